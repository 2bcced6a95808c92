//! The `sync-server` subcommands that manage access: workspaces, tokens,
//! invitations, members. They open the embedded store directly, so they work
//! while a relay runs on the same data directory; the relay notices within
//! [`crate::access::POLL_INTERVAL`] (a revoked token's connections close).

use std::path::Path;

use clap::Subcommand;

use crate::access::admin::{self, AdminError};
use crate::access::{Role, UnknownRole, now_secs};
use crate::storage::Storage;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Workspaces: `create ID [--name NAME]`, `list`.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Access tokens: `issue`, `list`, `revoke ID`.
    #[command(subcommand)]
    Token(TokenCommand),
    /// An invitation link carrying a new token for a role.
    Invite {
        #[command(flatten)]
        grant: GrantArgs,
        /// The address people open (the relay serving the app).
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
    /// Members: `remove` ends a membership and revokes its tokens.
    #[command(subcommand)]
    Member(MemberCommand),
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    Create {
        id: String,
        #[arg(long)]
        name: Option<String>,
    },
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    Issue {
        #[command(flatten)]
        grant: GrantArgs,
    },
    List,
    Revoke {
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    Remove {
        #[arg(long, default_value = admin::DEFAULT_WORKSPACE)]
        workspace: String,
        #[arg(long)]
        member: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct GrantArgs {
    #[arg(long, default_value = admin::DEFAULT_WORKSPACE)]
    workspace: String,
    /// Who the token is for.
    #[arg(long)]
    member: String,
    /// owner, editor or viewer.
    #[arg(long, default_value = "editor")]
    role: String,
    /// Days until the token expires.
    #[arg(long, default_value_t = 30)]
    days: u64,
}

/// Why a subcommand failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Admin(#[from] AdminError),
    #[error(transparent)]
    Role(#[from] UnknownRole),
    #[error("no token with id `{0}` (see `sync-server token list`)")]
    NoToken(String),
    #[error("`{member}` is not a member of `{workspace}`")]
    NoMember { workspace: String, member: String },
}

/// Run `command` against the store at `data`; returns what to print.
pub fn run(command: Command, data: &Path) -> Result<String, CliError> {
    let store = crate::open_store(data).map_err(AdminError::from)?;
    // The default workspace exists before the relay's first start, too.
    let default = crate::workspace::ensure_default(&store).map_err(AdminError::from)?;
    crate::workspace::ensure_default_access(&store, &default).map_err(AdminError::from)?;
    run_on(command, &store)
}

/// Run `command` against `store`; returns what to print.
pub fn run_on(command: Command, store: &dyn Storage) -> Result<String, CliError> {
    Ok(match command {
        Command::Workspace(WorkspaceCommand::Create { id, name }) => {
            admin::create_workspace(store, &id, name.as_deref().unwrap_or(&id))?;
            format!("workspace `{id}` created")
        }
        Command::Workspace(WorkspaceCommand::List) => {
            let list = store.workspaces().map_err(AdminError::from)?;
            list.iter()
                .map(|w| format!("{}\t{}", w.id, w.name))
                .collect::<Vec<_>>()
                .join("\n")
        }
        Command::Token(TokenCommand::Issue { grant }) => issue(store, &grant, false)?,
        Command::Invite { grant, base_url } => {
            let token = issue(store, &grant, true)?;
            format!("{}/#token={token}", base_url.trim_end_matches('/'))
        }
        Command::Token(TokenCommand::List) => {
            let now = now_secs();
            let tokens = store.tokens().map_err(AdminError::from)?;
            tokens
                .iter()
                .map(|t| {
                    let state = if t.revoked {
                        "revoked"
                    } else if !t.is_live(now) {
                        "expired"
                    } else {
                        "active"
                    };
                    let kind = if t.invitation { "invitation" } else { "token" };
                    format!(
                        "{}\t{}\t{}\t{}\t{kind}\t{state}\texpires {}",
                        t.id, t.workspace, t.member, t.role, t.expires_at
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        Command::Token(TokenCommand::Revoke { id }) => {
            if !admin::revoke_token(store, &id)? {
                return Err(CliError::NoToken(id));
            }
            format!("token {id} revoked")
        }
        Command::Member(MemberCommand::Remove { workspace, member }) => {
            if !admin::remove_member(store, &workspace, &member)? {
                return Err(CliError::NoMember { workspace, member });
            }
            format!("{member} removed from {workspace}; their tokens are revoked")
        }
    })
}

fn issue(store: &dyn Storage, grant: &GrantArgs, invitation: bool) -> Result<String, CliError> {
    let role = Role::parse(&grant.role)?;
    let (token, _) = admin::issue(
        store,
        &grant.workspace,
        &grant.member,
        role,
        grant.days,
        invitation,
    )?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::MemoryStorage;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    fn run(store: &MemoryStorage, args: &[&str]) -> Result<String, CliError> {
        let cli = Cli::try_parse_from(std::iter::once("sync-server").chain(args.iter().copied()))
            .expect("parses");
        run_on(cli.command, store)
    }

    #[test]
    fn workspaces_tokens_invitations_and_revocation() {
        let store = MemoryStorage::default();
        run(&store, &["workspace", "create", "acme", "--name", "Acme"]).expect("create");
        assert_eq!(
            run(&store, &["workspace", "list"]).expect("list"),
            "acme\tAcme"
        );
        let token = run(
            &store,
            &["token", "issue", "--workspace", "acme", "--member", "ann"],
        )
        .expect("issue");
        assert!(token.starts_with("fb_"));
        let link = run(
            &store,
            &[
                "invite",
                "--workspace",
                "acme",
                "--member",
                "bo",
                "--role",
                "viewer",
            ],
        )
        .expect("invite");
        assert!(
            link.starts_with("http://127.0.0.1:8080/#token=fb_"),
            "{link}"
        );
        let list = run(&store, &["token", "list"]).expect("list");
        assert!(!list.contains(&token), "the list never shows a token");
        let id = crate::access::hash_token(&token)[..12].to_owned();
        run(&store, &["token", "revoke", &id]).expect("revoke");
        assert!(
            run(&store, &["token", "list"])
                .expect("list")
                .contains("revoked")
        );
        let err = run(&store, &["token", "revoke", "nope"]).expect_err("unknown id");
        assert_eq!(
            err.to_string(),
            "no token with id `nope` (see `sync-server token list`)"
        );
        let err = run(
            &store,
            &["token", "issue", "--workspace", "nowhere", "--member", "x"],
        )
        .expect_err("unknown workspace");
        assert!(err.to_string().contains("no workspace `nowhere`"), "{err}");
        let err = run(
            &store,
            &["token", "issue", "--member", "x", "--role", "admin"],
        )
        .expect_err("bad role");
        assert!(err.to_string().contains("unknown role `admin`"), "{err}");
        run(
            &store,
            &["member", "remove", "--workspace", "acme", "--member", "bo"],
        )
        .expect("remove");
    }
}

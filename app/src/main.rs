//! The binary Trunk builds: starts the app.

fn main() {
    app::start();
}

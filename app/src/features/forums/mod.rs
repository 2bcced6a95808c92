//! The forums: categories, threads of posts with quotes, @mentions,
//! reactions and accepted answers, and unread tracking kept on the device.

mod composer;
mod data;
mod forms;
mod home;
mod markdown;
mod post;
mod thread;

pub use data::provide_forum_data;
pub use home::ForumHome;
pub use thread::ThreadPage;

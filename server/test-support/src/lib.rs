//! What Ward's tests and benchmarks share and users never need: the generator of synthetic
//! workspaces (`ward-gen`) and synthetic files for the parser's tests. It lives apart from
//! the `ward` crate so that installing `ward` installs nothing else.

pub mod generate;
pub mod stamp;
pub mod synthetic;

pub use generate::{Options, write_workspace};
pub use stamp::stamped_copy;

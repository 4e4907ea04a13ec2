//! `include_dir!` does not tell cargo which files it read: rebuild when the demo changes.

fn main() {
    println!("cargo:rerun-if-changed=demo");
}

//! `include_dir!` does not tell cargo which files it read, so without this an edited
//! template or stylesheet would not rebuild the crate and the binary would serve the old one.

fn main() {
    println!("cargo:rerun-if-changed=../../themes/default");
    println!("cargo:rerun-if-changed=../../locales");
}

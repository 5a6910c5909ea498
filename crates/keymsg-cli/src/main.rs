//! The `keymsg` command line.

fn main() {
    println!("keymsg");
}

//! Rebuilds this crate when a migration is added: `sqlx::migrate!` embeds the migrations folder
//! at compile time but does not tell Cargo to watch it (sqlx's documented build script).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

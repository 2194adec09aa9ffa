//! sdk/include/plaza.h is what cbindgen makes of the C ABI today; a stale header fails here.
//! Update it with `PLAZA_UPDATE_HEADER=1 cargo test -p plaza-sdk --test sdk header`.

use std::path::Path;

#[test]
fn the_c_header_is_up_to_date() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).unwrap();
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads the C ABI")
        .write(&mut generated);
    let generated = String::from_utf8(generated).unwrap();
    let path = crate_dir.join("include/plaza.h");
    if std::env::var_os("PLAZA_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "sdk/include/plaza.h is stale: run \
         `PLAZA_UPDATE_HEADER=1 cargo test -p plaza-sdk --test sdk header` and commit it"
    );
}

//! sdk/examples/c/post_painting.c built with `cc` as a game developer builds it, against the
//! shared and against the static library, and run against a Plaza in this process: its output
//! names what it did, and the post exists with its app_data byte for byte.

use crate::plaza::{Plaza, text_input};
use plaza_sdk::app_data;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The app_data the example posts (see the example).
const EXAMPLE_APP_DATA: &[u8] = b"level=7\x00\x01\x7f\x80\xfe\xff";

enum Link {
    Shared,
    Static,
}

/// Where cargo put the libraries: beside this test binary (target/<profile>/deps); they are
/// built with the crate's rlib, since the lib target makes all its crate types at once.
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().to_owned()
}

/// Compiles the example into `dir`; the program's path.
fn build_example(link: &Link, dir: &Path) -> PathBuf {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR"));
    let libs = library_dir();
    let out = dir.join("post_painting");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let mut cmd = Command::new(cc);
    cmd.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&out)
        .arg(sdk.join("examples/c/post_painting.c"))
        .arg(format!("-I{}", sdk.join("include").display()));
    match link {
        Link::Shared => {
            assert!(libs.join("libplaza_sdk.so").exists(), "{}", libs.display());
            cmd.arg(format!("-L{}", libs.display()))
                .arg("-lplaza_sdk")
                .arg(format!("-Wl,-rpath,{}", libs.display()));
        }
        Link::Static => {
            let lib = libs.join("libplaza_sdk.a");
            assert!(lib.exists(), "{}", lib.display());
            // What `--print native-static-libs` lists for this crate on Linux.
            cmd.arg(lib).args([
                "-lgcc_s",
                "-lutil",
                "-lrt",
                "-lpthread",
                "-lm",
                "-ldl",
                "-lc",
            ]);
        }
    }
    let built = cmd.output().expect("cc runs");
    assert!(
        built.status.success(),
        "cc failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn the_example_runs(link: Link) {
    let plaza = Plaza::start(None).await;
    // Someone else's post, for the example's Yeah.
    let other = plaza.player("other").await;
    let theirs = other
        .create_post(&text_input("Give me a Yeah"))
        .await
        .unwrap();
    let token = plaza.player_token("cplayer").await;
    let dir = tempfile::tempdir().unwrap();
    let program = build_example(&link, dir.path());
    let (url, key) = (plaza.url.clone(), plaza.key.clone());
    let output = tokio::task::spawn_blocking(move || {
        Command::new(program)
            .args([&url, crate::plaza::TITLE, &key, &token])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "the example failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let posted: i64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("posted "))
        .and_then(|l| l.split(' ').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no 'posted <id>' line:\n{stdout}"));
    assert!(stdout.contains("by cplayer"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "app_data {} bytes {}",
            EXAMPLE_APP_DATA.len(),
            hex(EXAMPLE_APP_DATA)
        )),
        "{stdout}"
    );
    assert!(stdout.contains("title posts 2"), "{stdout}");
    assert!(stdout.contains("\"Give me a Yeah\""), "{stdout}");
    assert!(
        stdout.contains(&format!("yeah {} now 1", theirs.id)),
        "{stdout}"
    );

    // What the example did is on the server.
    let post = plaza
        .game()
        .post(plaza_sdk::Id(posted), None)
        .await
        .unwrap()
        .post;
    assert_eq!(app_data(&post).unwrap().as_deref(), Some(EXAMPLE_APP_DATA));
    assert!(post.drawing_url.is_some() && post.is_app_jumpable);
    assert_eq!(post.body, "Drawn in the game");
    let theirs = plaza.game().post(theirs.id, None).await.unwrap().post;
    assert_eq!(theirs.yeah_count, 1);
}

#[tokio::test]
async fn the_c_example_linked_to_the_shared_library_posts_lists_and_gives_a_yeah() {
    the_example_runs(Link::Shared).await;
}

#[tokio::test]
async fn the_c_example_linked_to_the_static_library_posts_lists_and_gives_a_yeah() {
    the_example_runs(Link::Static).await;
}

//! The C ABI called as C calls it: null checks, status codes and the thread's last error, one
//! handle shared by several threads, and a posts list read and freed.
#![expect(unsafe_code, reason = "calling the C ABI is what is tested")]

use crate::fake::{Answer, FakeServer};
use plaza_sdk::ffi::*;
use std::ffi::{CStr, CString, c_char};
use std::ptr::{null, null_mut};

fn take_string(s: *mut c_char) -> Option<String> {
    if s.is_null() {
        return None;
    }
    let text = unsafe { CStr::from_ptr(s) }.to_str().unwrap().to_owned();
    unsafe { plaza_string_free(s) };
    Some(text)
}

fn last_error() -> (Option<String>, Option<String>, u16) {
    (
        take_string(plaza_last_error_code()),
        take_string(plaza_last_error_message()),
        plaza_last_error_http_status(),
    )
}

struct Handle(*mut PlazaClient);
// The handle is documented as usable from several threads at once.
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

impl Drop for Handle {
    fn drop(&mut self) {
        unsafe { plaza_client_free(self.0) };
    }
}

fn handle(url: &str) -> Handle {
    let url = CString::new(url).unwrap();
    let options = PlazaClientOptions {
        base_url: url.as_ptr(),
        title_id: c"0005000010101E00".as_ptr(),
        app_key: c"key.secret".as_ptr(),
        player_token: c"token".as_ptr(),
        timeout_ms: 2000,
        max_attempts: 1,
    };
    let mut client = null_mut();
    assert_eq!(
        unsafe { plaza_client_new(&options, &mut client) },
        PlazaStatus::Ok
    );
    assert!(!client.is_null());
    Handle(client)
}

const POSTS: &str = r#"{"posts":[{"id":"77","community_id":"5","title_id":"0005000010101E00",
"author":{"id":"9","username":"ann","display_name":"Ann"},"body":"hi","feeling":2,"spoiler":false,
"topic_tag":null,"drawing_url":"/media/drawings/x.png","screenshot_url":null,"screenshot_thumb_url":null,
"app_data":"AAH/","search_keys":["a","b"],"is_autopost":false,"is_app_jumpable":true,"yeah_count":3,
"yeahed_by_me":false,"comment_count":1,"created_at":"2026-11-26T12:00:00Z","url":"/posts/77"}],
"next_cursor":"abc"}"#;

#[test]
fn null_arguments_are_refused_with_a_message_and_nothing_is_made() {
    let mut client = null_mut();
    assert_eq!(
        unsafe { plaza_client_new(null(), &mut client) },
        PlazaStatus::InvalidArgument
    );
    assert!(client.is_null());
    let (code, message, status) = last_error();
    assert_eq!(code, None, "no server code for a local refusal");
    assert!(message.unwrap().contains("options is NULL"));
    assert_eq!(status, 0);

    let options = PlazaClientOptions {
        base_url: c"http://127.0.0.1:9".as_ptr(),
        title_id: c"not-a-title".as_ptr(),
        app_key: c"k".as_ptr(),
        player_token: null(),
        timeout_ms: 0,
        max_attempts: 0,
    };
    assert_eq!(
        unsafe { plaza_client_new(&options, &mut client) },
        PlazaStatus::InvalidArgument
    );
    assert!(last_error().1.unwrap().contains("16 hex digits"));
    assert_eq!(
        unsafe { plaza_posts_list(null(), null(), null_mut()) },
        PlazaStatus::InvalidArgument
    );
    let h = handle("http://127.0.0.1:9");
    assert_eq!(
        unsafe { plaza_post_create(h.0, null(), null_mut()) },
        PlazaStatus::InvalidArgument
    );
    let mut bytes = null_mut();
    let mut len = 0;
    assert_eq!(
        unsafe { plaza_painting_from_rgba([0u8; 4].as_ptr(), 4, &mut bytes, &mut len) },
        PlazaStatus::InvalidArgument
    );
    assert!(bytes.is_null());
    // Freeing NULL is allowed and does nothing.
    unsafe {
        plaza_post_free(null_mut());
        plaza_post_list_free(null_mut());
        plaza_string_free(null_mut());
        plaza_bytes_free(null_mut(), 0);
        plaza_client_free(null_mut());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn plazas_refusal_is_rejected_with_its_code_and_a_success_clears_the_error() {
    let server = FakeServer::start(
        vec![
            Answer::new(
                422,
                r#"{"error":"app_data_too_large","message":"app_data is at most 1024 bytes."}"#,
            ),
            Answer::new(200, POSTS),
        ],
        false,
    )
    .await;
    let url = server.url.clone();
    tokio::task::spawn_blocking(move || {
        let h = handle(&url);
        let new_post = PlazaNewPost {
            community_id: 0,
            body: c"too much".as_ptr(),
            feeling: 0,
            spoiler: false,
            topic_tag: null(),
            painting: null(),
            painting_len: 0,
            screenshot: null(),
            screenshot_len: 0,
            screenshot_type: null(),
            app_data: [1u8; 2000].as_ptr(),
            app_data_len: 2000,
            search_keys: null(),
            search_keys_len: 0,
            is_autopost: false,
            is_app_jumpable: false,
        };
        let mut made = null_mut();
        let status = unsafe { plaza_post_create(h.0, &new_post, &mut made) };
        assert_eq!(status, PlazaStatus::Rejected);
        assert!(made.is_null());
        let (code, message, http) = last_error();
        assert_eq!(code.as_deref(), Some("app_data_too_large"));
        assert!(message.unwrap().contains("1024"));
        assert_eq!(http, 422);
        let name = unsafe { CStr::from_ptr(plaza_status_name(status as i32)) };
        assert_eq!(name.to_str().unwrap(), "PLAZA_STATUS_REJECTED");

        let mut list = null_mut();
        assert_eq!(
            unsafe { plaza_posts_list(h.0, null(), &mut list) },
            PlazaStatus::Ok
        );
        assert_eq!(last_error(), (None, None, 0), "a success leaves no error");
        let l = unsafe { &*list };
        assert_eq!(l.len, 1);
        let p = unsafe { &*l.posts };
        assert_eq!(p.id, 77);
        assert_eq!(p.community_id, 5);
        assert_eq!(
            unsafe { std::slice::from_raw_parts(p.app_data, p.app_data_len) },
            &[0x00, 0x01, 0xff]
        );
        let keys = unsafe { std::slice::from_raw_parts(p.search_keys, p.search_keys_len) };
        let keys: Vec<_> = keys
            .iter()
            .map(|k| unsafe { CStr::from_ptr(*k) }.to_str().unwrap())
            .collect();
        assert_eq!(keys, ["a", "b"]);
        assert!(p.topic_tag.is_null() && p.screenshot_url.is_null());
        assert_eq!(
            unsafe { CStr::from_ptr(p.author_username) }
                .to_str()
                .unwrap(),
            "ann"
        );
        assert_eq!(
            unsafe { CStr::from_ptr(l.next_cursor) }.to_str().unwrap(),
            "abc"
        );
        unsafe { plaza_post_list_free(list) };
    })
    .await
    .unwrap();
    assert_eq!(server.received()[0].method, "POST");
    assert_eq!(
        server.received()[1].path,
        "/api/v1/game/titles/0005000010101E00/posts"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_handle_serves_several_threads_at_once() {
    let server = FakeServer::start(vec![Answer::new(200, POSTS)], false).await;
    let url = server.url.clone();
    tokio::task::spawn_blocking(move || {
        let h = std::sync::Arc::new(handle(&url));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let h = h.clone();
                std::thread::spawn(move || {
                    for _ in 0..5 {
                        let mut list = null_mut();
                        let status = unsafe { plaza_posts_list(h.0, null(), &mut list) };
                        assert_eq!(status, PlazaStatus::Ok);
                        assert_eq!(unsafe { (*list).len }, 1);
                        unsafe { plaza_post_list_free(list) };
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    })
    .await
    .unwrap();
    assert_eq!(server.received().len(), 40);
}

#[test]
fn an_error_belongs_to_the_thread_that_made_it() {
    let mut client = null_mut();
    assert_eq!(
        unsafe { plaza_client_new(null(), &mut client) },
        PlazaStatus::InvalidArgument
    );
    let other = std::thread::spawn(last_error).join().unwrap();
    assert_eq!(other, (None, None, 0));
    assert!(last_error().1.is_some());
}

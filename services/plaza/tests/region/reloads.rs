//! Reloading HAProxy (a converge that changes its configuration) under load: the new HAProxy
//! takes the old one's listening sockets over and starts from its servers' state, so no request
//! fails and a server an operator took out stays out.

use crate::helpers::{Region, haproxy, haproxy_status, provision};
use crate::load::under_load;

/// Puts `server` back in rotation when dropped, so a failed test leaves HAProxy as it was.
struct BackInRotation<'a>(&'a std::path::Path, &'a str);

impl Drop for BackInRotation<'_> {
    fn drop(&mut self) {
        let _ = haproxy(self.0, &format!("set server {} state ready", self.1));
    }
}

/// The pid of the HAProxy worker answering on the admin socket.
fn worker_pid(region: &Region) -> String {
    let info = haproxy(&region.root, "show info").expect("HAProxy answers");
    info.lines()
        .find_map(|l| l.strip_prefix("Pid: "))
        .expect("show info names the worker's pid")
        .trim()
        .to_owned()
}

#[tokio::test]
async fn reloading_haproxy_under_load_fails_no_request_and_keeps_its_servers_state() {
    let region = Region::open();
    region.wait_ready().await;
    // An operator has taken web2 out of rotation by hand.
    let root = region.root.clone();
    let out = haproxy(&root, "set server web/web2 state maint").unwrap();
    assert!(out.trim().is_empty(), "{out}");
    let _back = BackInRotation(&root, "web/web2");
    let before = worker_pid(&region);

    // A configuration change (slower rise) and back, each converged (HAProxy reloads), while
    // readers and writers use the region through the edge.
    let (done, failures) = under_load(&region, || {
        for rise in ["3", "2"] {
            let said = provision(
                "converge",
                &[
                    "--roles",
                    "lb",
                    "--set",
                    &format!("haproxy.check_rise={rise}"),
                ],
            );
            assert!(said.contains("-> reload:haproxy"), "{said}");
        }
    })
    .await;

    assert!(done > 30, "the load ran ({done} requests)");
    assert_eq!(failures, Vec::<String>::new(), "failed during the reloads");
    assert_ne!(worker_pid(&region), before, "HAProxy reloaded");
    // The state survived both reloads: web2 is still out, web1 still in.
    assert_eq!(haproxy_status(&root, "web/web2").as_deref(), Some("MAINT"));
    assert_eq!(haproxy_status(&root, "web/web1").as_deref(), Some("UP"));
    let config = std::fs::read_to_string(root.join("etc/haproxy.cfg")).unwrap();
    assert!(
        config.contains("rise 2 check"),
        "the converge put the configuration back"
    );
}

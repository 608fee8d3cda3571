//! Without `redis-server` the tests fail, saying how to install it: they never pass by
//! skipping. The check runs this test binary again with an empty `PATH` (the crate
//! forbids the `unsafe` that changing this process's environment needs).

const CHILD: &str = "B24_MISSING_REDIS_CHILD";

#[test]
fn a_missing_redis_server_is_a_clear_error() {
    if std::env::var_os(CHILD).is_some() {
        // The child: no redis-server on its PATH.
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let err = runtime
            .block_on(bitrix24_redis::RedisServer::start())
            .unwrap_err();
        println!("ERROR: {err}");
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_missing_redis_server_is_a_clear_error",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .env("PATH", "")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("ERROR: cannot start `redis-server`"),
        "{text}"
    );
    assert!(text.contains("apt-get install -y redis-server"), "{text}");
}

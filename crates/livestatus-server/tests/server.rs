//! The server over real sockets, with vigil's core behind it (a thread that owns a
//! `vigil_core::Core` and a `Publisher`, as `vigil run`'s loop does): UNIX and TCP,
//! keep-alive, a COMMAND whose effect the same connection sees, a wait woken by a
//! passive result, an invalid method, and a stalled client that does not hold up
//! the others.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use vigil_core::Core;
use vigil_livestatus::ExternalCommand;
use vigil_livestatus_server::{
    start, CommandDone, CommandSink, HandlerHistory, LivestatusConfig, LogFiles, Publisher,
};

const OBJECTS: &str = "\
define command {\n command_name c\n command_line /bin/true\n }\n\
define timeperiod {\n timeperiod_name 24x7\n alias all\n monday 00:00-24:00\n }\n\
define contact {\n contact_name alice\n host_notification_period 24x7\n service_notification_period 24x7\n host_notification_commands c\n service_notification_commands c\n }\n\
define host {\n host_name h1\n address 10.0.0.1\n check_command c\n max_check_attempts 3\n check_period 24x7\n contacts alice\n notification_period 24x7\n }\n\
define host {\n host_name h2\n address 10.0.0.2\n check_command c\n max_check_attempts 3\n check_period 24x7\n contacts alice\n notification_period 24x7\n }\n\
define service {\n host_name h1\n service_description s1\n check_command c\n max_check_attempts 1\n check_interval 5\n retry_interval 1\n check_period 24x7\n notification_period 24x7\n contacts alice\n }\n";

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Hands COMMAND lines to the core thread.
struct Sink(Mutex<mpsc::Sender<(String, CommandDone)>>);

impl CommandSink for Sink {
    fn command(&self, cmd: ExternalCommand, done: CommandDone) {
        let _ = self.0.lock().unwrap().send((cmd.line, done));
    }
}

fn setup() -> (tempfile::TempDir, vigil_livestatus_server::ServerHandle) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("o.cfg"), OBJECTS).unwrap();
    std::fs::write(
        dir.path().join("n.cfg"),
        format!(
            "cfg_file={}\nlog_file={}\nexecute_service_checks=0\nexecute_host_checks=0\n",
            dir.path().join("o.cfg").display(),
            dir.path().join("log").display()
        ),
    )
    .unwrap();
    let (m, _) = vigil_config::load(&dir.path().join("n.cfg")).unwrap();
    let t = now();
    let zone = vigil_config::zone::Zone::utc();
    let mut core = Core::new(Arc::new(m), zone.clone(), t, 1);
    core.start(t);
    let mut publisher = Publisher::new(
        &core,
        zone,
        Arc::new(LogFiles::of(core.model())),
        "test".into(),
        HandlerHistory::default(),
        t,
    );
    let mut cfg = LivestatusConfig::with_socket(dir.path().join("live"));
    cfg.inet_addr = Some("127.0.0.1:0".into());
    cfg.num_client_threads = 2;
    let (tx, rx) = mpsc::channel::<(String, CommandDone)>();
    let h = start(
        cfg,
        publisher.provider(),
        Arc::new(Sink(Mutex::new(tx))),
        publisher.triggers(),
    )
    .unwrap();
    // The loop: apply a command, publish, release the client.
    std::thread::spawn(move || {
        while let Ok((line, done)) = rx.recv() {
            let t = now();
            core.handle_command(&line, t);
            core.take_dirty();
            let events = core.take_events();
            publisher.observe(&events, 0);
            publisher.publish(&core, t);
            done.done();
        }
    });
    (dir, h)
}
fn read_fixed16(s: &mut impl Read) -> (u16, String) {
    let mut head = [0u8; 16];
    s.read_exact(&mut head).unwrap();
    let h = String::from_utf8_lossy(&head).to_string();
    let code: u16 = h[..3].parse().unwrap();
    let len: usize = h[4..15].trim().parse().unwrap();
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    (code, String::from_utf8(body).unwrap())
}

fn ask_to_eof(s: &mut (impl Read + Write), q: &str) -> String {
    s.write_all(q.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn unix_and_tcp_keepalive_command_wait() {
    let (dir, h) = setup();
    let path = dir.path().join("live");
    let mut s = UnixStream::connect(&path).unwrap();
    assert_eq!(
        ask_to_eof(&mut s, "GET hosts\nColumns: name state\n\n"),
        "h1;0\nh2;0\n"
    );

    let tcp = h.tcp_addr.unwrap();
    let mut t = std::net::TcpStream::connect(tcp).unwrap();
    assert_eq!(
        ask_to_eof(
            &mut t,
            "GET services\nColumns: host_name description\nOutputFormat: json\n\n"
        ),
        "[[\"h1\",\"s1\"]]\n"
    );

    // keep-alive, a COMMAND whose effect the next request sees, an error that keeps
    // the connection, and the last request without KeepAlive closes it.
    let mut s = UnixStream::connect(&path).unwrap();
    s.write_all(b"GET hosts\nColumns: name\nKeepAlive: on\nResponseHeader: fixed16\n\n")
        .unwrap();
    assert_eq!(read_fixed16(&mut s), (200, "h1\nh2\n".into()));
    s.write_all(
        format!(
            "COMMAND [{}] PROCESS_HOST_CHECK_RESULT;h2;1;DOWN now\n\n",
            now() as i64
        )
        .as_bytes(),
    )
    .unwrap();
    s.write_all(b"GET nosuch\nKeepAlive: on\nResponseHeader: fixed16\n\n")
        .unwrap();
    assert_eq!(
        read_fixed16(&mut s),
        (404, "Invalid GET request, no such table 'nosuch'\n".into())
    );
    s.write_all(b"GET hosts\nColumns: name state plugin_output\nFilter: state = 1\nResponseHeader: fixed16\n\n")
        .unwrap();
    assert_eq!(read_fixed16(&mut s), (200, "h2;1;DOWN now\n".into()));
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());

    // A wait woken by a passive result 300 ms later.
    let p2 = path.clone();
    let waiter = std::thread::spawn(move || {
        let mut w = UnixStream::connect(&p2).unwrap();
        let t0 = Instant::now();
        let out = ask_to_eof(
            &mut w,
            "GET services\nWaitObject: h1;s1\nWaitCondition: state = 2\nWaitTrigger: check\nWaitTimeout: 5000\nColumns: state plugin_output\n\n",
        );
        (out, t0.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    let mut c = UnixStream::connect(&path).unwrap();
    c.write_all(
        format!(
            "COMMAND [{}] PROCESS_SERVICE_CHECK_RESULT;h1;s1;2;broken\n\n",
            now() as i64
        )
        .as_bytes(),
    )
    .unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    let mut none = Vec::new();
    c.read_to_end(&mut none).unwrap();
    assert!(none.is_empty(), "a COMMAND gets no reply");
    let (out, took) = waiter.join().unwrap();
    assert_eq!(out, "2;broken\n");
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(4),
        "{took:?}"
    );

    // A wait that runs into its timeout answers with the current data.
    let mut w = UnixStream::connect(&path).unwrap();
    let t0 = Instant::now();
    let out = ask_to_eof(
        &mut w,
        "GET services\nWaitObject: h1;s1\nWaitCondition: state = 0\nWaitTrigger: state\nWaitTimeout: 400\nColumns: state\n\n",
    );
    assert_eq!(out, "2\n");
    assert!(t0.elapsed() >= Duration::from_millis(350));
    h.stop();
    assert!(!path.exists(), "the socket is removed at stop");
}

#[test]
fn invalid_method_and_stalled_client() {
    let (dir, _h) = setup();
    let path = dir.path().join("live");
    let mut s = UnixStream::connect(&path).unwrap();
    assert_eq!(
        ask_to_eof(&mut s, "FOO hosts\nResponseHeader: fixed16\n\n"),
        ""
    );

    // A client that sends half a request and stalls holds only its own connection.
    let mut stalled = UnixStream::connect(&path).unwrap();
    stalled.write_all(b"GET hosts\nColumns: na").unwrap();
    let t0 = Instant::now();
    for _ in 0..20 {
        let mut s = UnixStream::connect(&path).unwrap();
        assert_eq!(
            ask_to_eof(&mut s, "GET status\nColumns: num_hosts\n\n"),
            "2\n"
        );
    }
    assert!(t0.elapsed() < Duration::from_secs(2));
    stalled.write_all(b"me\n\n").unwrap();
    let mut out = String::new();
    stalled.read_to_string(&mut out).unwrap();
    assert_eq!(out, "h1\nh2\n");
}

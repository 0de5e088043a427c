//! The server over real sockets: UNIX and TCP, keep-alive, a COMMAND whose effect the
//! same connection sees, a wait woken by a trigger, an invalid method, and a stalled
//! client that does not hold up the others.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vigil_livestatus::mem::MemSite;
use vigil_livestatus::{ExternalCommand, TriggerKind};
use vigil_livestatus_server::{start, CommandDone, CommandSink, LivestatusConfig, Triggers};

const OBJECTS: &str = "\
define command {\n command_name c\n command_line /bin/true\n }\n\
define timeperiod {\n timeperiod_name 24x7\n alias all\n monday 00:00-24:00\n }\n\
define contact {\n contact_name alice\n host_notification_period 24x7\n service_notification_period 24x7\n host_notification_commands c\n service_notification_commands c\n }\n\
define host {\n host_name h1\n address 10.0.0.1\n check_command c\n max_check_attempts 3\n check_period 24x7\n contacts alice\n notification_period 24x7\n }\n\
define host {\n host_name h2\n address 10.0.0.2\n check_command c\n max_check_attempts 3\n check_period 24x7\n contacts alice\n notification_period 24x7\n }\n\
define service {\n host_name h1\n service_description s1\n check_command c\n max_check_attempts 1\n check_interval 5\n retry_interval 1\n check_period 24x7\n notification_period 24x7\n contacts alice\n }\n";

type State = Arc<Mutex<Arc<MemSite>>>;

struct Sink {
    state: State,
    triggers: Arc<Triggers>,
}

impl CommandSink for Sink {
    fn command(&self, cmd: ExternalCommand, done: CommandDone) {
        let mut g = self.state.lock().unwrap();
        let mut site = (**g).clone();
        let fired = site.apply_command(&cmd.command, cmd.timestamp, cmd.timestamp as f64);
        *g = Arc::new(site);
        drop(g);
        done.done();
        for k in fired {
            self.triggers.notify(k);
        }
    }
}

fn setup() -> (
    tempfile::TempDir,
    State,
    Arc<Triggers>,
    vigil_livestatus_server::ServerHandle,
) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("o.cfg"), OBJECTS).unwrap();
    std::fs::write(
        dir.path().join("n.cfg"),
        format!(
            "cfg_file={}\nlog_file={}\n",
            dir.path().join("o.cfg").display(),
            dir.path().join("log").display()
        ),
    )
    .unwrap();
    let (m, _) = vigil_config::load(&dir.path().join("n.cfg")).unwrap();
    let site = MemSite::new(Arc::new(m), 1_700_000_000.0, 1);
    let state: State = Arc::new(Mutex::new(Arc::new(site)));
    let triggers = Arc::new(Triggers::new());
    let mut cfg = LivestatusConfig::with_socket(dir.path().join("live"));
    cfg.inet_addr = Some("127.0.0.1:0".into());
    cfg.num_client_threads = 2;
    let p = Arc::clone(&state);
    let provider = Arc::new(move || Arc::clone(&p.lock().unwrap()));
    let sink = Arc::new(Sink {
        state: Arc::clone(&state),
        triggers: Arc::clone(&triggers),
    });
    let h = start(cfg, provider, sink, Arc::clone(&triggers)).unwrap();
    (dir, state, triggers, h)
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
    let (dir, _state, triggers, h) = setup();
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
    s.write_all(b"COMMAND [1700000100] PROCESS_HOST_CHECK_RESULT;h2;1;DOWN now\n\n")
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
    c.write_all(b"COMMAND [1700000200] PROCESS_SERVICE_CHECK_RESULT;h1;s1;2;broken\n\n")
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
    triggers.notify(TriggerKind::Program);
    h.stop();
    assert!(!path.exists(), "the socket is removed at stop");
}

#[test]
fn invalid_method_and_stalled_client() {
    let (dir, _state, _t, _h) = setup();
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

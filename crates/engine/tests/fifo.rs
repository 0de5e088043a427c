//! The FIFO reader against a real named pipe: lines written from another thread,
//! one of them in two partial writes, a long line, several writer open/close cycles.

use std::io::Write;
use std::time::Duration;

use vigil_engine::fifo;

#[tokio::test]
async fn reads_all_lines_in_order_across_writers_and_partial_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nagios.cmd");
    fifo::create(&path).unwrap();

    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let reader = tokio::spawn(fifo::read_lines(path.clone(), tx));

    let long = format!(
        "[3] PROCESS_SERVICE_CHECK_RESULT;h;s;0;{}",
        "x".repeat(100_000)
    );
    let long_w = long.clone();
    let wpath = path.clone();
    let writer = std::thread::spawn(move || {
        // Writer 1: two complete lines in one write, then close.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&wpath)
            .unwrap();
        f.write_all(b"[1] SAVE_STATE_INFORMATION\n[2] ENABLE_EVENT_HANDLERS\n")
            .unwrap();
        drop(f);
        // Writer 2: a line split over two writes with a pause, then a 100 kB line.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&wpath)
            .unwrap();
        f.write_all(b"[2] DISABLE_SVC_").unwrap();
        f.flush().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        f.write_all(b"EVENT_HANDLER;h;s\r\n").unwrap();
        f.write_all(long_w.as_bytes()).unwrap();
        f.write_all(b"\n").unwrap();
        drop(f);
        // Writer 3: many short lines after the others closed (no EOF seen by reader).
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&wpath)
            .unwrap();
        for i in 0..200 {
            writeln!(f, "[{}] LOG;line {i}", 10 + i).unwrap();
        }
    });

    let mut got = Vec::new();
    while got.len() < 204 {
        let line = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("timed out waiting for a line")
            .expect("reader ended early");
        got.push(line);
    }
    writer.join().unwrap();

    assert_eq!(got[0], "[1] SAVE_STATE_INFORMATION");
    assert_eq!(got[1], "[2] ENABLE_EVENT_HANDLERS");
    assert_eq!(got[2], "[2] DISABLE_SVC_EVENT_HANDLER;h;s\r");
    assert_eq!(got[3].len(), long.len());
    assert_eq!(got[3], long);
    for i in 0..200 {
        assert_eq!(got[4 + i], format!("[{}] LOG;line {i}", 10 + i));
    }
    // Nothing more arrives.
    assert!(tokio::time::timeout(Duration::from_millis(200), rx.recv())
        .await
        .is_err());
    // Dropping the receiver ends the reader cleanly.
    drop(rx);
    let res = tokio::time::timeout(Duration::from_secs(5), reader)
        .await
        .expect("reader did not stop")
        .unwrap();
    assert!(res.is_ok());
    fifo::remove(&path);
    assert!(!path.exists());
}

#[tokio::test]
async fn reading_a_non_fifo_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain");
    std::fs::write(&path, b"x").unwrap();
    let (tx, _rx) = tokio::sync::mpsc::channel(1);
    assert!(fifo::read_lines(path, tx).await.is_err());
}

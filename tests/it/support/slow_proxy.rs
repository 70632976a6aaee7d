//! A proxy in front of moto that holds the first GetMetricData request it sees past the client's
//! attempt timeout and forwards every other request untouched: how a slow page of many queries
//! looks to the collector, which must split the request and ask again.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub struct Proxy {
    pub endpoint: String,
    /// GetMetricData requests seen, the held one included.
    pub metric_requests: Arc<AtomicUsize>,
}

pub fn start(upstream: &str, hold: Duration) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let upstream = upstream.trim_start_matches("http://").to_string();
    let held = Arc::new(AtomicBool::new(false));
    let metric_requests = Arc::new(AtomicUsize::new(0));
    let counter = metric_requests.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let (upstream, held, counter) = (upstream.clone(), held.clone(), counter.clone());
            std::thread::spawn(move || relay(client, &upstream, &held, &counter, hold));
        }
    });
    Proxy { endpoint, metric_requests }
}

/// One request per connection: read it, maybe hold it, forward it with `Connection: close`, and
/// copy the answer back.
fn relay(client: TcpStream, upstream: &str, held: &AtomicBool, counter: &AtomicUsize, hold: Duration) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut head = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if !lower.starts_with("connection:") {
            head.extend_from_slice(line.as_bytes());
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    if String::from_utf8_lossy(&body).contains("Action=GetMetricData") {
        counter.fetch_add(1, Ordering::SeqCst);
        if !held.swap(true, Ordering::SeqCst) {
            std::thread::sleep(hold);
            return;
        }
    }
    let Ok(mut up) = TcpStream::connect(upstream) else { return };
    head.extend_from_slice(b"Connection: close\r\n\r\n");
    if up.write_all(&head).and_then(|_| up.write_all(&body)).is_err() {
        return;
    }
    let mut answer = Vec::new();
    let _ = up.read_to_end(&mut answer);
    // Tell the client this connection ends here, so it never reuses a closed one.
    let Some(split) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return;
    };
    let head = String::from_utf8_lossy(&answer[..split]);
    let mut out: String = head
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    out.push_str("Connection: close\r\n\r\n");
    let mut client = client;
    let _ = client
        .write_all(out.as_bytes())
        .and_then(|_| client.write_all(&answer[split + 4..]));
}

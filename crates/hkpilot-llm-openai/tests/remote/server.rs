//! A small HTTP/1.1 server on raw tokio sockets, scripted per test, that can misbehave
//! in ways a framework would prevent: stall, cut a body short, split bytes anywhere.
//! It records every request and notices when a client hangs up.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response with `Content-Length`.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Chunked transfer encoding, one frame per piece, pausing between writes so that
    /// the client reads them separately. `end: false` omits the final frame and closes:
    /// a connection cut mid-body.
    Chunked {
        content_type: String,
        pieces: Vec<Vec<u8>>,
        pause: Duration,
        end: bool,
    },
    /// A body without length or chunking, ended by closing the connection.
    UntilClose { content_type: String, body: Vec<u8> },
    /// Sends the pieces as chunks, then goes silent with the connection open.
    StallAfter { pieces: Vec<Vec<u8>> },
    /// Reads the request and never answers.
    Hang,
    /// Streams `piece` again and again until the client hangs up.
    Endless { piece: Vec<u8>, pause: Duration },
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

#[derive(Clone)]
pub struct FakeServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    hangups: watch::Receiver<usize>,
}

impl FakeServer {
    /// Serves `handler(request, n)`, where `n` counts earlier requests to the same path.
    pub async fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (hangup_tx, hangups) = watch::channel(0usize);
        let handler: Arc<Handler> = Arc::new(handler);
        let (reqs, hangup_tx) = (Arc::clone(&requests), Arc::new(hangup_tx));
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let (reqs, handler, hangup_tx) = (
                    Arc::clone(&reqs),
                    Arc::clone(&handler),
                    Arc::clone(&hangup_tx),
                );
                tokio::spawn(async move {
                    let _ = serve(sock, reqs, handler, hangup_tx).await;
                });
            }
        });
        Self {
            addr,
            requests,
            hangups,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn requests_to(&self, path: &str) -> Vec<Request> {
        let all = self.requests.lock().unwrap();
        all.iter().filter(|r| r.path == path).cloned().collect()
    }

    /// Waits (bounded, so a broken client fails the test instead of hanging it) until
    /// a client has closed a connection the server was still streaming or waiting on.
    pub async fn wait_for_hangup(&self) -> bool {
        let mut rx = self.hangups.clone();
        let seen = tokio::time::timeout(Duration::from_secs(20), rx.wait_for(|n| *n > 0)).await;
        matches!(seen, Ok(Ok(_)))
    }
}

async fn serve(
    sock: TcpStream,
    reqs: Arc<Mutex<Vec<Request>>>,
    handler: Arc<Handler>,
    hangup_tx: Arc<watch::Sender<usize>>,
) -> std::io::Result<()> {
    sock.set_nodelay(true)?;
    let (mut rd, mut wr) = sock.into_split();
    let Some(req) = read_request(&mut rd).await? else {
        return Ok(());
    };
    let n = {
        let mut all = reqs.lock().unwrap();
        let n = all.iter().filter(|r| r.path == req.path).count();
        all.push(req.clone());
        n
    };
    let hung_up = || hangup_tx.send_modify(|n| *n += 1);
    match handler(&req, n) {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            wr.write_all(head.as_bytes()).await?;
            wr.write_all(&body).await?;
        }
        Reply::Chunked {
            content_type,
            pieces,
            pause,
            end,
        } => {
            chunked_head(&mut wr, &content_type).await?;
            for p in pieces {
                write_chunk(&mut wr, &p).await?;
                tokio::time::sleep(pause).await;
            }
            if end {
                wr.write_all(b"0\r\n\r\n").await?;
            }
        }
        Reply::UntilClose { content_type, body } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n"
            );
            wr.write_all(head.as_bytes()).await?;
            wr.write_all(&body).await?;
        }
        Reply::StallAfter { pieces } => {
            chunked_head(&mut wr, "text/event-stream").await?;
            for p in pieces {
                write_chunk(&mut wr, &p).await?;
            }
            wait_for_eof(&mut rd).await;
            hung_up();
        }
        Reply::Hang => {
            wait_for_eof(&mut rd).await;
            hung_up();
        }
        Reply::Endless { piece, pause } => {
            chunked_head(&mut wr, "text/event-stream").await?;
            let writer = async {
                loop {
                    if write_chunk(&mut wr, &piece).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(pause).await;
                }
            };
            tokio::select! {
                () = writer => {},
                () = wait_for_eof(&mut rd) => {},
            }
            hung_up();
        }
    }
    wr.shutdown().await
}

/// Returns once the peer has closed its side (or the socket failed).
async fn wait_for_eof(rd: &mut OwnedReadHalf) {
    let mut buf = [0u8; 256];
    while let Ok(n) = rd.read(&mut buf).await {
        if n == 0 {
            return;
        }
    }
}

async fn chunked_head(
    wr: &mut tokio::net::tcp::OwnedWriteHalf,
    content_type: &str,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    wr.write_all(head.as_bytes()).await?;
    wr.flush().await
}

async fn write_chunk(wr: &mut tokio::net::tcp::OwnedWriteHalf, p: &[u8]) -> std::io::Result<()> {
    let mut frame = format!("{:x}\r\n", p.len()).into_bytes();
    frame.extend_from_slice(p);
    frame.extend_from_slice(b"\r\n");
    wr.write_all(&frame).await?;
    wr.flush().await
}

async fn read_request(rd: &mut OwnedReadHalf) -> std::io::Result<Option<Request>> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = rd.read(&mut tmp).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or_default().to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = rd.read(&mut tmp).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

// ---- reply builders ----

pub fn json_reply(status: u16, v: Value) -> Reply {
    Reply::Full {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: v.to_string().into_bytes(),
    }
}

pub fn text_reply(status: u16, content_type: &str, body: &str) -> Reply {
    Reply::Full {
        status,
        headers: vec![("content-type".into(), content_type.into())],
        body: body.as_bytes().to_vec(),
    }
}

pub fn with_header(reply: Reply, k: &str, v: &str) -> Reply {
    match reply {
        Reply::Full {
            status,
            mut headers,
            body,
        } => {
            headers.push((k.into(), v.into()));
            Reply::Full {
                status,
                headers,
                body,
            }
        }
        other => other,
    }
}

/// The model list every scripted server serves: one model `m` with a context length.
pub fn models() -> Reply {
    json_reply(
        200,
        json!({"object": "list", "data": [{"id": "m", "object": "model", "max_model_len": 4096}]}),
    )
}

/// Answers the endpoints `connect` probes like a plain OpenAI server (no `/tokenize`,
/// no `/props`), and 404 for anything else.
pub fn standard(req: &Request) -> Reply {
    match req.path.as_str() {
        "/v1/models" => models(),
        _ => json_reply(
            404,
            json!({"error": {"message": format!("no route {}", req.path)}}),
        ),
    }
}

pub fn chat_json(text: &str) -> Value {
    json!({"id": "c1", "object": "chat.completion", "model": "m",
           "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
           "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}})
}

pub fn delta_event(text: &str) -> String {
    let chunk =
        json!({"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
    format!("data: {chunk}\n\n")
}

/// A whole, well-formed chat event stream for `texts`.
pub fn sse_body(texts: &[&str]) -> String {
    let mut s: String = texts.iter().map(|t| delta_event(t)).collect();
    s.push_str("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    s.push_str(
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3}}\n\n",
    );
    s.push_str("data: [DONE]\n\n");
    s
}

pub fn sse_reply(body: &str) -> Reply {
    Reply::Chunked {
        content_type: "text/event-stream".into(),
        pieces: vec![body.as_bytes().to_vec()],
        pause: Duration::ZERO,
        end: true,
    }
}

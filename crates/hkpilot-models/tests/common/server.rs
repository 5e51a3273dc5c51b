//! A real HTTP file server on 127.0.0.1:0 (axum on its own thread and runtime) that
//! serves fixed files with the behaviours downloads must survive: Range support, a
//! connection dropped midway, Range ignored, an HTML error page, 404.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;

/// How a path is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Honours `Range: bytes=N-` with 206 / 416.
    Serve,
    /// The first request announces the full length, sends this many bytes and drops the
    /// connection; later requests are served as [`Behaviour::Serve`].
    DropFirstAfter(usize),
    /// Always 200 with the whole file, whatever the Range header says.
    IgnoreRange,
    /// 200 `text/html` with the given bytes, as a login or error page would come.
    Html,
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub range: Option<String>,
    pub authorization: Option<String>,
}

struct Route {
    body: Bytes,
    behaviour: Behaviour,
    hits: AtomicUsize,
}

#[derive(Clone)]
struct AppState {
    routes: Arc<HashMap<String, Route>>,
    log: Arc<Mutex<Vec<Seen>>>,
}

/// A running server; it stops when dropped.
pub struct TestServer {
    pub base: String,
    log: Arc<Mutex<Vec<Seen>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    pub fn start(routes: Vec<(&str, Vec<u8>, Behaviour)>) -> TestServer {
        let routes: HashMap<String, Route> = routes
            .into_iter()
            .map(|(p, body, behaviour)| {
                let route = Route {
                    body: Bytes::from(body),
                    behaviour,
                    hits: AtomicUsize::new(0),
                };
                (p.to_string(), route)
            })
            .collect();
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = AppState {
            routes: Arc::new(routes),
            log: Arc::clone(&log),
        };
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind 127.0.0.1:0");
                addr_tx
                    .send(listener.local_addr().expect("local addr"))
                    .expect("report address");
                let app = Router::new().fallback(handle).with_state(state);
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stop_rx.await;
                    })
                    .await;
            });
        });
        let addr = addr_rx.recv().expect("server address");
        TestServer {
            base: format!("http://{addr}"),
            log,
            stop: Some(stop_tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every request so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.log.lock().expect("log").clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

async fn handle(State(state): State<AppState>, req: Request) -> Response {
    let header_text = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let path = req.uri().path().to_string();
    let range = header_text(header::RANGE);
    state.log.lock().expect("log").push(Seen {
        path: path.clone(),
        range: range.clone(),
        authorization: header_text(header::AUTHORIZATION),
    });
    let Some(route) = state.routes.get(&path) else {
        return status(
            StatusCode::NOT_FOUND,
            "text/plain",
            Body::from("Entry not found"),
        );
    };
    let first = route.hits.fetch_add(1, Ordering::SeqCst) == 0;
    let len = route.body.len();
    match route.behaviour {
        Behaviour::Html => status(StatusCode::OK, "text/html", Body::from(route.body.clone())),
        Behaviour::IgnoreRange => full(&route.body),
        Behaviour::DropFirstAfter(n) if first => {
            let head = route.body.slice(..n.min(len));
            // The first bytes go out, then the body fails: hyper aborts the connection
            // with the announced length unmet, as a dropped link would look.
            let stream = futures_util::stream::unfold(0u8, move |step| {
                let head = head.clone();
                async move {
                    match step {
                        0 => Some((Ok(head), 1)),
                        1 => {
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            Some((Err(std::io::Error::other("connection dropped by test")), 2))
                        }
                        _ => None,
                    }
                }
            });
            let mut resp = status(
                StatusCode::OK,
                "application/octet-stream",
                Body::from_stream(stream),
            );
            resp.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            resp
        }
        Behaviour::Serve | Behaviour::DropFirstAfter(_) => {
            match range.as_deref().and_then(range_start) {
                None => full(&route.body),
                Some(start) if start >= len => {
                    let mut resp = status(
                        StatusCode::RANGE_NOT_SATISFIABLE,
                        "text/plain",
                        Body::empty(),
                    );
                    resp.headers_mut().insert(
                        header::CONTENT_RANGE,
                        HeaderValue::from_str(&format!("bytes */{len}")).expect("header"),
                    );
                    resp
                }
                Some(start) => {
                    let mut resp = status(
                        StatusCode::PARTIAL_CONTENT,
                        "application/octet-stream",
                        Body::from(route.body.slice(start..)),
                    );
                    resp.headers_mut().insert(
                        header::CONTENT_RANGE,
                        HeaderValue::from_str(&format!("bytes {start}-{}/{len}", len - 1))
                            .expect("header"),
                    );
                    resp
                }
            }
        }
    }
}

fn range_start(v: &str) -> Option<usize> {
    v.strip_prefix("bytes=")?.strip_suffix('-')?.parse().ok()
}

fn full(body: &Bytes) -> Response {
    status(
        StatusCode::OK,
        "application/octet-stream",
        Body::from(body.clone()),
    )
}

fn status(code: StatusCode, content_type: &'static str, body: Body) -> Response {
    let mut resp = Response::new(body);
    *resp.status_mut() = code;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

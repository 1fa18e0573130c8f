//! A minimal HTTP/1.1 client over `TcpStream` for the fault tests, which need what ordinary clients hide: sending a
//! request in parts, noticing a connection reset, and checking that a response body arrived in full.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A response read to its end: the status, the headers with lowercase names, and the complete body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// Returns the first header with this lowercase name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "response body {:?} is not JSON: {error}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Returns the bytes of a request head (request line and headers, up to the blank line) with `Host`,
/// `Content-Type: application/json` and `Content-Length: body_len`.
pub fn request_head(method: &str, path: &str, body_len: usize) -> Vec<u8> {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {body_len}\r\n\r\n"
    )
    .into_bytes()
}

/// Connects to `addr` with read and write timeouts, so that a hung server fails the test instead of blocking it.
pub fn connect(addr: SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Sends one request on a new connection and reads the whole response.
pub fn send(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> io::Result<Response> {
    let mut stream = connect(addr, Duration::from_secs(10))?;
    let mut request = request_head(method, path, body.len());
    request.extend_from_slice(body);
    stream.write_all(&request)?;
    read_response(&mut stream)
}

/// Reads one response from `stream`. It fails with `UnexpectedEof` when the connection closes before the body
/// is complete, by `Content-Length` or by the final chunk of a chunked body.
pub fn read_response(stream: &mut TcpStream) -> io::Result<Response> {
    let mut reader = BufReader::new(stream);
    let status_line = read_line(&mut reader)?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| invalid(format!("invalid status line {status_line:?}")))?;

    let mut headers = Vec::new();
    loop {
        let line = read_line(&mut reader)?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid(format!("invalid header line {line:?}")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
    };

    if response.header("transfer-encoding") == Some("chunked") {
        response.body = read_chunked(&mut reader)?;
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| invalid(format!("invalid Content-Length {length:?}")))?;
        response.body = vec![0; length];
        reader.read_exact(&mut response.body)?;
    }
    Ok(response)
}

fn read_chunked(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let size_line = read_line(reader)?;
        let size_hex = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| invalid(format!("invalid chunk size {size_line:?}")))?;
        if size == 0 {
            // Trailers, if any, end with an empty line like the headers.
            while !read_line(reader)?.is_empty() {}
            return Ok(body);
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        read_line(reader)?;
    }
}

/// Reads one CRLF-terminated line without its line ending. End of stream is an `UnexpectedEof` error.
fn read_line(reader: &mut impl BufRead) -> io::Result<String> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the connection closed before the response was complete",
        ));
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

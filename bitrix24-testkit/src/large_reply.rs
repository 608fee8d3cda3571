//! A reply far larger than any real one (a broken proxy, a runaway export), generated
//! while it is sent: `{"result":"xxx..."}` with a string of the given size, in 64 KiB
//! frames that all share one buffer, so the portal itself holds almost nothing of it and
//! a client's memory can be measured alone in the same process.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::body::{Body, Bytes, Frame, SizeHint};

const PREFIX: &[u8] = br#"{"result":""#;
const SUFFIX: &[u8] = br#""}"#;
const FRAME: usize = 64 * 1024;

/// The body of a large reply.
#[derive(Debug)]
pub(crate) struct LargeBody {
    /// The frame all filler frames are cut from (cheap clones of one buffer).
    filler: Bytes,
    prefix_sent: bool,
    /// Filler bytes still to send.
    remaining: usize,
    suffix_sent: bool,
    /// Whether the length is announced (`Content-Length`) or left open (chunked).
    announced: bool,
    total: u64,
}

impl LargeBody {
    /// A reply whose whole body is `bytes` long (at least the JSON around the string);
    /// `announced`: with `Content-Length`, else chunked.
    pub(crate) fn new(bytes: usize, announced: bool) -> Self {
        let frame = PREFIX.len() + SUFFIX.len();
        let remaining = bytes.saturating_sub(frame);
        Self {
            filler: Bytes::from(vec![b'x'; FRAME]),
            prefix_sent: false,
            remaining,
            suffix_sent: false,
            announced,
            total: (remaining + frame) as u64,
        }
    }
}

impl Body for LargeBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        let data = if !this.prefix_sent {
            this.prefix_sent = true;
            Bytes::from_static(PREFIX)
        } else if this.remaining > 0 {
            let take = this.remaining.min(FRAME);
            this.remaining -= take;
            this.filler.slice(..take)
        } else if !this.suffix_sent {
            this.suffix_sent = true;
            Bytes::from_static(SUFFIX)
        } else {
            return Poll::Ready(None);
        };
        Poll::Ready(Some(Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.prefix_sent && self.remaining == 0 && self.suffix_sent
    }

    fn size_hint(&self) -> SizeHint {
        if self.announced {
            SizeHint::with_exact(self.total)
        } else {
            SizeHint::default()
        }
    }
}

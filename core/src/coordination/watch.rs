//! Hears another process write the stamp (SPEC C1, "sooner where the platform notifies"):
//! inotify on Linux and Android, through rustix and tokio's reactor. A hint only: what the
//! engine does on it is the same stamp check it makes before every request, so a missed or
//! spurious event costs nothing but a read. Apple platforms have no such watch here; their
//! engines check at the foreground and before each request.

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::path::Path;

use rustix::fs::inotify::{self, CreateFlags, WatchFlags};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// An inotify watch on the stamp file.
pub(crate) struct StampWatch {
    fd: AsyncFd<OwnedFd>,
}

impl StampWatch {
    /// Watches `stamp`, which must exist. Call it inside the tokio runtime that will poll it.
    pub(crate) fn new(stamp: &Path) -> io::Result<Self> {
        let fd = inotify::init(CreateFlags::NONBLOCK | CreateFlags::CLOEXEC)?;
        inotify::add_watch(
            &fd,
            stamp,
            WatchFlags::MODIFY | WatchFlags::CLOSE_WRITE | WatchFlags::ATTRIB,
        )?;
        // `register_with_interest` is the undeprecated form but `unsafe`: its condition is
        // that the descriptor stay open and unreplaced while registered, which an `OwnedFd`
        // moved into the `AsyncFd` guarantees. The safe form is deprecated only because
        // other types can break that (tokio#8587).
        #[allow(deprecated)]
        let fd = AsyncFd::with_interest(fd, Interest::READABLE)?;
        Ok(Self { fd })
    }

    /// Waits until the stamp file was written (by any process, this one included), then
    /// drains what the kernel queued.
    pub(crate) async fn changed(&self) -> io::Result<()> {
        let mut buffer = [MaybeUninit::<u8>::uninit(); 1024];
        loop {
            let mut ready = self.fd.readable().await?;
            let mut reader = inotify::Reader::new(self.fd.get_ref(), &mut buffer);
            let mut heard = false;
            loop {
                match reader.next() {
                    Ok(_) => heard = true,
                    Err(rustix::io::Errno::AGAIN) => {
                        ready.clear_ready();
                        break;
                    }
                    Err(errno) => return Err(errno.into()),
                }
            }
            if heard {
                return Ok(());
            }
        }
    }
}

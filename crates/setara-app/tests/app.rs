//! One `App` shared by concurrent callers: readers come from a pool and go back to it, writes
//! go through one connection at a time, and the `App` can be shared between threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use setara_app::stores::MAX_IDLE_READERS;
use setara_app::{App, DataDir};

fn app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(DataDir::new(dir.path().join("data")));
    std::fs::create_dir_all(app.data.root()).unwrap();
    (dir, app)
}

#[test]
fn the_app_can_be_shared_between_threads() {
    fn shared<T: Send + Sync + Clone + 'static>() {}
    shared::<App>();
}

#[test]
fn readers_go_back_to_the_pool_and_are_reused() {
    let (_dir, app) = app();
    assert_eq!(app.idle_readers(), 0);
    {
        let a = app.reader().unwrap();
        let b = app.reader().unwrap();
        assert_eq!(a.counts().unwrap().households, 0);
        assert_eq!(b.counts().unwrap().households, 0);
        assert_eq!(app.idle_readers(), 0, "both are in use");
    }
    assert_eq!(app.idle_readers(), 2, "both came back");
    {
        let _a = app.reader().unwrap();
        assert_eq!(
            app.idle_readers(),
            1,
            "one was taken from the pool, none opened"
        );
    }
    // No more than MAX_IDLE_READERS are kept.
    let many: Vec<_> = (0..MAX_IDLE_READERS + 3)
        .map(|_| app.reader().unwrap())
        .collect();
    drop(many);
    assert_eq!(app.idle_readers(), MAX_IDLE_READERS);
}

#[test]
fn one_writer_at_a_time_across_threads() {
    let (_dir, app) = app();
    let inside = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (app, inside, most) = (app.clone(), inside.clone(), most.clone());
            std::thread::spawn(move || {
                for _ in 0..20 {
                    let w = app.writer().unwrap();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    assert_eq!(w.counts().unwrap().households, 0);
                    std::thread::yield_now();
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(
        most.load(Ordering::SeqCst),
        1,
        "two writers held it at once"
    );
}

#[test]
fn a_reader_beside_the_writer() {
    let (_dir, app) = app();
    let w = app.writer().unwrap();
    // Reading does not wait for the writer.
    let r = app.reader().unwrap();
    assert_eq!(
        r.counts().unwrap().households,
        w.counts().unwrap().households
    );
}

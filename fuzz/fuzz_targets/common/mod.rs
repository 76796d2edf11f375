//! What the SPARQL targets share: parsing a query or update the way the
//! server does, on a thread with the server's stack size, and the checks on
//! the outcome.

use std::sync::{Once, OnceLock};

use dialogue_graph::sparql::{QueryOptions, check_nesting, prepare, prepare_update};
use dialogue_graph::{BaseIri, Error};
use oxigraph::sparql::CancellationToken;

/// The stack of the threads the server parses queries on: `/sparql` calls
/// `prepare` inside `tokio::task::spawn_blocking`, and `serve` gives its
/// runtime's threads `PARSER_STACK_BYTES` (the stack the parser guard is
/// measured for). An overflow aborts the process, which libFuzzer reports as
/// a crash.
pub const SERVER_STACK: usize = dialogue_graph::sparql::PARSER_STACK_BYTES;

pub fn base() -> &'static BaseIri {
    static BASE: OnceLock<BaseIri> = OnceLock::new();
    BASE.get_or_init(|| BaseIri::parse(dialogue_graph::config::DEFAULT_BASE).unwrap())
}

/// Runs `f` on a fresh thread with [`SERVER_STACK`] bytes of stack, then once
/// more on the calling thread. The first run is the check (an overflow there
/// aborts); the second (libFuzzer's main thread has 8 MiB, plenty for inputs
/// of its default `-max_len` of 4096 bytes once the guard has passed) feeds libFuzzer's stack-depth coverage
/// (`-sanitizer-coverage-stack-depth`, only measured on its own thread), so
/// that inputs nesting deeper are kept and mutated further. Both runs must
/// agree on `Ok` / which error.
pub fn on_server_stack<T: Send + std::fmt::Debug>(f: impl Fn() -> T + Send + Sync) -> T {
    let on_thread = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("sparql-parse".to_owned())
            .stack_size(SERVER_STACK)
            .spawn_scoped(scope, || with_alt_stack(&f))
            .expect("spawn a parsing thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    let here = f();
    assert_eq!(
        format!("{on_thread:?}"),
        format!("{here:?}"),
        "two parses of one text differ"
    );
    here
}

/// Runs `f` with an alternate signal stack, so that a stack overflow in it is
/// reported by libFuzzer (message, `crash-*` artifact) instead of killing the
/// process silently: the overflowing thread has no stack left to run
/// libFuzzer's SIGSEGV handler on. (A Rust program gets this from std's
/// runtime set-up, which a libFuzzer binary, whose `main` is libFuzzer's, skips.)
/// The only unsafe code of the fuzz crate.
fn with_alt_stack<T>(f: impl FnOnce() -> T) -> T {
    const ALT_STACK: usize = 256 * 1024;
    static ON_STACK: Once = Once::new();
    ON_STACK.call_once(|| {
        // Called from the fuzz target, so after libFuzzer set its handler;
        // make that handler run on the alternate stack.
        // SAFETY: reads and rewrites the process's SIGSEGV action with valid
        // pointers; only the flags change.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGSEGV, std::ptr::null(), &mut action) == 0 {
                action.sa_flags |= libc::SA_ONSTACK;
                libc::sigaction(libc::SIGSEGV, &action, std::ptr::null_mut());
            }
        }
    });

    struct Registered(Vec<u8>);
    impl Drop for Registered {
        fn drop(&mut self) {
            let disable = libc::stack_t {
                ss_sp: std::ptr::null_mut(),
                ss_flags: libc::SS_DISABLE,
                ss_size: 0,
            };
            // SAFETY: unregisters this thread's alternate stack before its
            // memory (self.0) is freed.
            unsafe { libc::sigaltstack(&disable, std::ptr::null_mut()) };
        }
    }
    let mut memory = Registered(vec![0_u8; ALT_STACK]);
    let stack = libc::stack_t {
        ss_sp: memory.0.as_mut_ptr().cast(),
        ss_flags: 0,
        ss_size: ALT_STACK,
    };
    // SAFETY: `memory` outlives the registration (its Drop unregisters it).
    unsafe { libc::sigaltstack(&stack, std::ptr::null_mut()) };
    let output = f();
    drop(memory);
    output
}

/// Parses `query` as `/sparql` does. Invariants: no panic, no stack overflow;
/// a query the guard refuses is refused with `QueryTooDeep` or `QueryTooLong`, and
/// otherwise the only error is a syntax error.
pub fn check_query(query: &str, options: &QueryOptions) {
    let guard = check_nesting(query);
    let outcome =
        on_server_stack(|| prepare(query, base(), options, CancellationToken::new()).map(|_| ()));
    match (&guard, &outcome) {
        (Err(Error::QueryTooDeep { .. }), Err(Error::QueryTooDeep { .. }))
        | (Err(Error::QueryTooLong { .. }), Err(Error::QueryTooLong { .. })) => {}
        (Err(e), _) => panic!("check_nesting failed with {e:?}, prepare gave {outcome:?}"),
        (Ok(()), Ok(()) | Err(Error::QuerySyntax(_))) => {}
        (Ok(()), Err(e)) => panic!("unexpected error from prepare: {e:?}"),
    }
}

/// Parses `update` as a SPARQL Update request does; same invariants, plus the
/// client error for a dataset given twice (USING/WITH and protocol graphs).
pub fn check_update(update: &str, options: &QueryOptions) {
    let guard = check_nesting(update);
    let outcome = on_server_stack(|| prepare_update(update, base(), options).map(|_| ()));
    match (&guard, &outcome) {
        (Err(Error::QueryTooDeep { .. }), Err(Error::QueryTooDeep { .. }))
        | (Err(Error::QueryTooLong { .. }), Err(Error::QueryTooLong { .. })) => {}
        (Err(e), _) => panic!("check_nesting failed with {e:?}, prepare_update gave {outcome:?}"),
        (Ok(()), Ok(()) | Err(Error::QuerySyntax(_))) => {}
        (Ok(()), Err(Error::BadRequest(_)))
            if !options.default_graphs.is_empty() || !options.named_graphs.is_empty() => {}
        (Ok(()), Err(e)) => panic!("unexpected error from prepare_update: {e:?}"),
    }
}

import Testing

/// Loopback suites that move hundreds of MiB, inflate bombs or measure this process's memory, nested
/// here to run one after another: in parallel, one suite's burst (Linux's `URLSession` piles up what it
/// cannot stop receiving) would show in another's memory figures and starve its timeouts.
@Suite("Loopback: heavy suites, one at a time", .serialized)
enum HeavyLoopback {}

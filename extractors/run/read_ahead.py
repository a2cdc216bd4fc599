"""Read-ahead: the batch's files -> (path, hash, result) in input order, each document read (in
its own limited child, extractors/read/) by background threads while the model works."""
from __future__ import annotations

from extractors.run import settings
from extractors.run.inputs import safe_sha


class ReadAhead:
    """Reads documents ahead of the model: `iterate` yields (path, sha, result) in input order,
    where result is None for a document already done (ledger, or the same content earlier in
    this batch) and otherwise a callable returning (Document, extra columns) or raising the
    read's error. At most `ahead` documents are read but not yet taken (memory stays bounded);
    each read runs `read_fn(path, sha)` (the read stage: its own child process with time and
    memory limits) in one of `workers` daemon threads, which only wait on that child, so
    parsing overlaps the model. ahead=0 reads each document when it is taken."""

    def __init__(self, read_fn, workers: int | None = None, ahead: int | None = None):
        workers = settings.READ_WORKERS if workers is None else workers
        ahead = settings.READ_AHEAD if ahead is None else ahead
        import queue
        import threading
        self.read_fn, self.ahead = read_fn, max(int(ahead), 0)
        self.jobs: queue.Queue = queue.Queue()
        self.threads = [threading.Thread(target=self._work, daemon=True, name=f"read-{i}")
                        for i in range(max(int(workers), 1) if self.ahead else 0)]
        for t in self.threads:
            t.start()

    def _work(self):
        while True:
            job = self.jobs.get()
            if job is None:
                return
            job()

    def _submit(self, path, sha):
        import threading
        box: dict = {}
        ready = threading.Event()

        def job():
            try:
                box["doc"] = (self.read_fn(path, sha), {})
            except BaseException as exc:  # noqa: BLE001 - handed to the main loop
                box["exc"] = exc
            finally:
                ready.set()
        if self.ahead:
            self.jobs.put(job)
        else:
            job()

        def result():
            ready.wait()
            if "exc" in box:
                raise box.pop("exc")
            return box.pop("doc")
        return result

    def iterate(self, files, done: set):
        from collections import deque
        queued: deque = deque()
        todo = iter(files)
        while True:
            while len(queued) <= self.ahead:
                path = next(todo, None)
                if path is None:
                    break
                sha = safe_sha(path)
                if sha in done:
                    queued.append((path, sha, None))
                    continue
                done.add(sha)
                queued.append((path, sha, self._submit(path, sha)))
            if not queued:
                return
            yield queued.popleft()

    def close(self):
        """Stop the reader threads (a read in progress finishes in its child or is killed
        with this process: parser children die with their parent)."""
        import queue
        while True:
            try:
                self.jobs.get_nowait()
            except queue.Empty:
                break
        for _ in self.threads:
            self.jobs.put(None)

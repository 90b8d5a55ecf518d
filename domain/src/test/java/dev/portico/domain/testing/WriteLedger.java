package dev.portico.domain.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps, for concurrent-writer tests, the acknowledged write of each resource with the highest revision: what the
 * store must hold at the end if no acknowledged write was lost. Also collects the revision of every acknowledged
 * write, so that a test can check that no two writes were given the same one. Thread-safe.
 */
public final class WriteLedger {
    /** A resource's content as a write left it; empty when the write deleted it. */
    public record Acknowledged(long revision, Optional<Object> content) {
    }

    private final Map<String, Acknowledged> latest = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> writeRevisions = new ConcurrentLinkedQueue<>();

    /** A single write, acknowledged at {@code revision}: the resource now holds {@code content} (empty: deleted). */
    public void write(String resource, long revision, Optional<Object> content) {
        writeRevisions.add(revision);
        acknowledge(resource, revision, content);
    }

    /**
     * One write that set many resources at {@code revision} (a whole-configuration replacement). {@code newRevision}
     * is false when it changed nothing and answered the revision that was current.
     */
    public void writeAll(Map<String, Optional<Object>> contents, long revision, boolean newRevision) {
        if (newRevision) {
            writeRevisions.add(revision);
        }
        contents.forEach((resource, content) -> acknowledge(resource, revision, content));
    }

    private void acknowledge(String resource, long revision, Optional<Object> content) {
        // Equal revisions only come from a replacement that changed nothing: both then describe the same content.
        latest.merge(resource, new Acknowledged(revision, content),
                (old, now) -> now.revision() > old.revision() ? now : old);
    }

    /** Each resource written at least once, with the content its last acknowledged write left. */
    public Map<String, Optional<Object>> expected() {
        Map<String, Optional<Object>> expected = new TreeMap<>();
        latest.forEach((resource, ack) -> expected.put(resource, ack.content()));
        return expected;
    }

    /** The revision each acknowledged write was given, in no particular order. */
    public List<Long> writeRevisions() {
        return new ArrayList<>(writeRevisions);
    }

    public int writes() {
        return writeRevisions.size();
    }
}

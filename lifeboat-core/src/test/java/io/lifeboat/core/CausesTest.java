package io.lifeboat.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CausesTest {

    @Test
    void findsTheFirstOfATypeAlongTheChain() {
        NoSuchFileException root = new NoSuchFileException("/spool/x");
        IOException middle = new IOException("wrapped", root);
        UncheckedIOException top = new UncheckedIOException(middle);

        assertSame(middle, Causes.find(top, IOException.class).orElseThrow(), "the outermost match comes first");
        assertSame(root, Causes.find(top, IOException.class, e -> e instanceof NoSuchFileException).orElseThrow());
        assertTrue(Causes.find(top, IllegalStateException.class).isEmpty());
        assertEquals(3, Causes.of(top).count());
        assertEquals(0, Causes.of(null).count());
    }

    @Test
    void aThrowableThatIsItsOwnCauseEndsTheChain() {
        Exception selfCaused = new Exception("loop") {
            @Override
            public synchronized Throwable getCause() {
                return this;
            }
        };
        assertEquals(1, Causes.of(selfCaused).count());
    }
}

package io.lifeboat.core;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A throwable's cause chain, from the throwable itself to its root cause (a self-cause ends it). */
public final class Causes {

    private Causes() {
    }

    /** {@code e}, its cause, that one's cause, and so on; empty for null. */
    public static Stream<Throwable> of(Throwable e) {
        return Stream.iterate(e, t -> t != null, t -> t.getCause() == t ? null : t.getCause());
    }

    /** The first throwable of {@code e}'s cause chain of the given type that {@code test} accepts. */
    public static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type, Predicate<? super T> test) {
        return of(e).filter(type::isInstance).map(type::cast).filter(test).findFirst();
    }

    /** The first throwable of {@code e}'s cause chain of the given type. */
    public static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type) {
        return find(e, type, t -> true);
    }
}

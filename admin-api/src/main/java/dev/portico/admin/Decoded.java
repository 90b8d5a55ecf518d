package dev.portico.admin;

/** What became of reading a request body: the value, or the problem to answer with. */
sealed interface Decoded<T> {

    record Ok<T>(T value) implements Decoded<T> {
    }

    record Refused<T>(Problem problem) implements Decoded<T> {
    }
}

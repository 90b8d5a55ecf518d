package dev.portico.admin;

/** The body of {@code POST /v1/tokens}: a name and a scope ({@code read}, {@code write} or {@code admin}). */
record TokenRequest(String name, String scope) {
}

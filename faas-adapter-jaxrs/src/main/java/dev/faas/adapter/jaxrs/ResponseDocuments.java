package dev.faas.adapter.jaxrs;

/** The fixed-shape JSON answers of the API, as records written by {@link Json#write(Object)}. */
final class ResponseDocuments {

    private ResponseDocuments() {
    }

    /** The seed's {@code {"result": ...}} of a registration: the new version's id. */
    record Result(String result) {
    }
}

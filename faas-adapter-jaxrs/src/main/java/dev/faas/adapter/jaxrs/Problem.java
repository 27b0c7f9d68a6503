package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds RFC 9457 {@code application/problem+json} responses. */
final class Problem {

    static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");

    private final ProblemType type;
    private final int status;
    private final ObjectNode body = JsonNodeFactory.instance.objectNode();
    private final Response.ResponseBuilder response;

    private Problem(ProblemType type, int status, String detail) {
        this.type = type;
        this.status = status;
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", status);
        body.put("detail", detail);
        response = Response.status(status).type(MEDIA_TYPE);
    }

    static Problem of(ProblemType type, String detail) {
        return new Problem(type, type.status(), detail);
    }

    static Problem of(ProblemType type, int status, String detail) {
        return new Problem(type, status, detail);
    }

    Problem with(String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
        return this;
    }

    Problem with(String field, long value) {
        body.put(field, value);
        return this;
    }

    ObjectNode object(String field) {
        return body.putObject(field);
    }

    Problem header(String name, Object value) {
        response.header(name, value);
        return this;
    }

    ProblemType type() {
        return type;
    }

    Response build() {
        return response.entity(json()).build();
    }

    /** The problem document alone, for answers made outside JAX-RS. */
    String json() {
        return Json.write(body);
    }

    int status() {
        return status;
    }
}

package dev.faas.ports.error;

import java.util.List;

/** A registration names secrets that are not stored: store them first ({@code POST /secrets}). */
public class UnknownSecretException extends InvalidRequestException {

    private final List<String> names;

    public UnknownSecretException(List<String> names) {
        super("secrets", "no secret is stored under the name" + (names.size() == 1 ? " " : "s ")
                + String.join(", ", names.stream().map(name -> "'" + name + "'").toList())
                + "; store it with POST /secrets first");
        this.names = List.copyOf(names);
    }

    public List<String> names() {
        return names;
    }
}

package dev.faas.ports.error;

import dev.faas.ports.model.SecretName;

/** No secret of that name is stored (asked for by name, as when deleting it). */
public class SecretNotFoundException extends FaasException {

    private final SecretName name;

    public SecretNotFoundException(SecretName name) {
        super("no secret named '" + name.value() + "' is stored");
        this.name = name;
    }

    public SecretName name() {
        return name;
    }
}

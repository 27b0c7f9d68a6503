package dev.faas.domain.secrets;

import dev.faas.ports.error.SecretsNotConfiguredException;
import dev.faas.ports.model.SecretName;

/** A stored secret does not open with this node's key: the nodes do not share one key, or the key changed. */
public final class UnreadableSecretException extends SecretsNotConfiguredException {

    public UnreadableSecretException(SecretName name) {
        super("the secret '" + name.value() + "' does not decrypt with this node's key: every node needs the same"
                + " FAAS_SECRETS_KEY, the one it was stored with; store the secret again after changing the key");
    }
}

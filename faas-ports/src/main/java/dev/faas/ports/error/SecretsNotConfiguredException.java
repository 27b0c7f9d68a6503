package dev.faas.ports.error;

/**
 * The node has no key to encrypt and decrypt secrets with, so it neither stores nor delivers them. The message says
 * how to give it one.
 */
public class SecretsNotConfiguredException extends PlatformException {

    public SecretsNotConfiguredException() {
        super("secrets are not enabled on this node: set FAAS_SECRETS_KEY to a base64 AES key of 32 bytes (for"
                + " example the output of 'openssl rand -base64 32'), or FAAS_SECRETS_KEY_FILE to a file holding one,"
                + " the same on every node, and restart");
    }

    /** Secrets cannot be used for another reason of the node's configuration, which {@code message} explains. */
    protected SecretsNotConfiguredException(String message) {
        super(message);
    }
}

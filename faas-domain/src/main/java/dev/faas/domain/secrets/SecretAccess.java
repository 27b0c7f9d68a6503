package dev.faas.domain.secrets;

import dev.faas.ports.error.SecretsNotConfiguredException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.out.Specialisation;
import java.util.List;

/**
 * What registration and invocation need of the secrets: that the secrets a new version names are stored, and their
 * values when an instance is specialised for a version. Thread-safe.
 */
public interface SecretAccess {

    /** For a platform without secrets: a version that names any is refused, saying how to enable them. */
    SecretAccess NONE = new SecretAccess() {
        @Override
        public void requireStored(List<String> names) {
            if (!names.isEmpty()) {
                throw new SecretsNotConfiguredException();
            }
        }

        @Override
        public Specialisation specialise(FunctionDefinition definition) {
            requireStored(definition.options().secrets());
            return Specialisation.NONE;
        }
    };

    /**
     * @throws dev.faas.ports.error.UnknownSecretException if any of {@code names} is not stored
     * @throws SecretsNotConfiguredException if {@code names} is not empty and the node has no secrets key
     */
    void requireStored(List<String> names);

    /**
     * The values of the secrets {@code definition} reads, read now (so a rotated secret reaches every instance
     * specialised from now on).
     *
     * @throws dev.faas.ports.error.MissingSecretException if one of them was deleted since the version was registered
     * @throws SecretsNotConfiguredException if the version reads secrets and the node has no key for them
     */
    Specialisation specialise(FunctionDefinition definition);
}

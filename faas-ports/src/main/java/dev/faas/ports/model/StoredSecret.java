package dev.faas.ports.model;

import java.util.Objects;

/**
 * A secret as a store holds it: its record and its value encrypted (nonce and AES-GCM ciphertext with tag), which
 * only the platform's key opens. The store never sees the value.
 */
public record StoredSecret(SecretRecord record, byte[] sealedValue) {

    public StoredSecret {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(sealedValue, "sealedValue");
        sealedValue = sealedValue.clone();
    }

    @Override
    public byte[] sealedValue() {
        return sealedValue.clone();
    }

    @Override
    public String toString() {
        return "StoredSecret[" + record + ", sealedValue=" + sealedValue.length + " bytes]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredSecret that && record.equals(that.record)
                && java.util.Arrays.equals(sealedValue, that.sealedValue);
    }

    @Override
    public int hashCode() {
        return record.hashCode() * 31 + java.util.Arrays.hashCode(sealedValue);
    }
}

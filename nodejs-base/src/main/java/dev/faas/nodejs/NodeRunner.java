package dev.faas.nodejs;

/**
 * Where the Node.js runner is: shipped in this jar as the classpath resource {@value #RESOURCE} (the process runtime
 * writes it out and runs it with {@code node}) and at {@value #IMAGE_PATH} in the function image that
 * {@code nodejs-base/build-image.sh} builds. It speaks the Python runner's protocol (see its header comment).
 */
public final class NodeRunner {

    /** The language runtime's name, as a version asks for it at registration. */
    public static final String RUNTIME = "nodejs";

    /** The runner's file name, wherever it is written. */
    public static final String FILE_NAME = "faas_runner.js";

    /** Where the runner sits on the classpath. */
    public static final String RESOURCE = "dev/faas/nodejs/" + FILE_NAME;

    /** Where the runner sits in the function image. */
    public static final String IMAGE_PATH = "/opt/faas/" + FILE_NAME;

    /** The image {@code nodejs-base/build-image.sh} builds by default. */
    public static final String DEFAULT_IMAGE = "faas-nodejs:latest";

    private NodeRunner() {
    }
}

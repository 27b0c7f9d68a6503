package dev.faas.adapter.jaxrs;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code GET /webjars/{library}/{file}}: the few files of the libraries the dashboard uses, from their webjars on the
 * class path: CodeMirror (the code editor and its Python and JavaScript modes), uPlot (the node page's charts) and
 * Swagger UI. Only the files listed here are served, by exact name, so no path a caller writes reaches the class
 * loader.
 */
@Path("/webjars")
@PermitAll
public final class WebJarAssets {

    static final String CODEMIRROR = "/META-INF/resources/webjars/codemirror/5.65.18/";
    static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";
    static final String SWAGGER_UI = "/META-INF/resources/webjars/swagger-ui/5.34.1/";

    /** The URL path under {@code /webjars/} of each file served, and where it is on the class path. */
    static final Map<String, String> FILES = Map.of(
            "codemirror/codemirror.js", CODEMIRROR + "lib/codemirror.js",
            "codemirror/codemirror.css", CODEMIRROR + "lib/codemirror.css",
            "codemirror/python.js", CODEMIRROR + "mode/python/python.js",
            "codemirror/javascript.js", CODEMIRROR + "mode/javascript/javascript.js",
            "uplot/uPlot.iife.min.js", UPLOT + "uPlot.iife.min.js",
            "uplot/uPlot.min.css", UPLOT + "uPlot.min.css",
            "swagger-ui/swagger-ui-bundle.js", SWAGGER_UI + "swagger-ui-bundle.js",
            "swagger-ui/swagger-ui.css", SWAGGER_UI + "swagger-ui.css");

    @GET
    @Path("{library}/{file}")
    public Response file(@PathParam("library") String library, @PathParam("file") String file) {
        String classPathName = FILES.get(library + "/" + file);
        if (classPathName == null) {
            throw new NotFoundException();
        }
        return StaticAssets.serve(classPathName);
    }
}

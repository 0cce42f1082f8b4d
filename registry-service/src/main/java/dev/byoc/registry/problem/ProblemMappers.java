package dev.byoc.registry.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import dev.byoc.support.db.DatabaseFaults;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as application/problem+json; a database outage ({@link DatabaseFaults}) is 503, never 500. */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response response = respond(e.toProblem());
        return e.retryAfterSeconds() == null ? response
                : Response.fromResponse(response).header("Retry-After", e.retryAfterSeconds()).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = switch (status) {
            case 415 -> "send the body as application/json";
            case 413 -> "the body is larger than 64 KiB";
            case 405 -> "this method is not allowed on this resource";
            case 404 -> "no such resource";
            case 406 -> "this resource answers application/json";
            default -> e.getMessage();
        };
        return respond(new Problem("https://byoc.dev/problems/" + title.toLowerCase().replace(' ', '-'), title, status,
                detail, null));
    }

    private static Response unavailable(Throwable e) {
        LOG.warnf("database unavailable: %s", e.getMessage());
        return respond(new Problem("https://byoc.dev/problems/unavailable", "Service Unavailable", 503,
                "the registry's database is unreachable; nothing was changed, retry shortly", null));
    }

    /** Anything unexpected: logged with an id the caller can quote, never a stack trace in the body. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProblemException problem) {
                return problem(problem); // wrapped by a reactive pipeline
            }
        }
        if (DatabaseFaults.isTransient(e)) {
            return unavailable(e);
        }
        if (dev.byoc.support.Fault.isConflict(e)) {
            return problem(ProblemException.conflict("the cluster kept changing while this request ran (other requests "
                    + "edited or deleted it); read it again and retry"));
        }
        if (DatabaseFaults.isDataException(e)) {
            // a backstop: the rules should have refused the value already; the transaction rolled back
            LOG.warnf("a request value the database refused: %s", e.getMessage());
            return problem(ProblemException.invalid(java.util.List.of(new dev.byoc.contracts.spec.Violation("$",
                    "a value in the request cannot be stored (for example a NUL character); remove it"))));
        }
        String id = java.util.UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s", id);
        return respond(new Problem("https://byoc.dev/problems/internal", "Internal Server Error", 500,
                "unexpected error; quote " + id + " when reporting it", null));
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}

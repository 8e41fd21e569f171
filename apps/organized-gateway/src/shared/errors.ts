/**
 * Moved to src/errors/ (the one error type and the catalog of codes). This re-export lives
 * only while the pipeline's files still import it from here; it goes once they are converted.
 */
export * from "../errors";

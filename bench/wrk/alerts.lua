-- GET /api/alerts?$top=50 with a bearer token (TOKEN, from the
-- environment): a page of 50 full alert objects per request.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.path = "/api/alerts?$top=50"

done = function(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end

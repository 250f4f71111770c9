-- v2 client-credentials token requests. TENANTS=1: always the same tenant
-- (Entra-style reuse within a second applies); TENANTS=N: round-robin over
-- tenant0..tenantN-1, so nearly every token is freshly RS256-signed.
local tenants = tonumber(os.getenv("TENANTS") or "1")
local n = 0
local body = "grant_type=client_credentials" ..
  "&client_id=11111111-2222-3333-4444-555555555555" ..
  "&scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default" ..
  "&client_secret=bench-secret"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = body

function init(args)
  n = math.random(0, tenants - 1)
end

request = function()
  n = (n + 1) % tenants
  return wrk.format(nil, "/tenant" .. n .. ".onmicrosoft.com/oauth2/v2.0/token")
end

responses = {}
response = function(status)
  responses[status] = (responses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end

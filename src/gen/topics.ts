/**
 * The catalogue of engineering-wiki topics shared by the synthetic space generator (which writes
 * about them) and the simulator's tagger (which recognises them). A data file: one entry per topic.
 *
 * - `strong` words and two-word phrases name the topic unambiguously (tagger weight 3);
 *   `weak` ones lean towards it (weight 1). Each word belongs to one topic only, so scores do not
 *   bleed between topics; words are lowercase, phrases are two words joined by one space.
 * - `things`, `decisions`, `symptoms`, `tools`, `metrics` and `commands` are what the generator
 *   writes with; each contains at least one of the topic's own words.
 *
 * In the table below a list is one string, its items separated by "; " (commands, which may hold
 * any character, stay arrays), to keep the catalogue readable as one topic per screen.
 */
export interface Topic {
  /** Confluence label form: lowercase, hyphens, no spaces. */
  readonly label: string;
  /** How a title names it. */
  readonly name: string;
  readonly strong: readonly string[];
  readonly weak: readonly string[];
  /** Noun phrases: what a page is about ("consumer lag alerts"). */
  readonly things: readonly string[];
  /** Verb phrases for ADR and RFC titles ("Adopt KRaft and retire ZooKeeper"). */
  readonly decisions: readonly string[];
  /** What goes wrong, for postmortems and runbooks ("consumer lag on the orders topic"). */
  readonly symptoms: readonly string[];
  readonly tools: readonly string[];
  readonly metrics: readonly string[];
  /** One-line shell commands for code blocks. */
  readonly commands: readonly string[];
}

/** Page kinds the generator writes and the tagger recognises, as labels. */
export const PAGE_KINDS = [
  'runbook',
  'adr',
  'postmortem',
  'onboarding',
  'api-docs',
  'meeting-notes',
  'rfc',
  'how-to',
  'release-notes',
  'faq',
] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

/** Words and two-word phrases that point at a page kind, as "word:weight" (tagger weights). */
const KIND_SOURCE: Record<PageKind, string> = {
  runbook: 'runbook:1; runbooks:1; playbook:1',
  adr: 'adr:3; architecture decision:3; decision record:3',
  postmortem: 'postmortem:1; post mortem:1; root cause:2; contributing factors:2',
  onboarding: 'onboarding:2; new joiners:2; first week:2; getting started:2',
  'api-docs': 'api reference:3; endpoint:1; endpoints:1; request body:2; api docs:3',
  'meeting-notes': 'meeting notes:3; attendees:2; action items:2; agenda:1',
  rfc: 'rfc:2; design doc:2; non goals:2; alternatives considered:1',
  'how-to': 'how to:1; howto:3',
  'release-notes': 'release notes:3; new features:1; bug fixes:1',
  faq: 'faq:3; faqs:3; frequently asked:3',
};

function kindWords(source: string): readonly (readonly [string, number])[] {
  return list(source).map((item) => {
    const [word, weight] = item.split(':');
    return [word!, Number(weight)] as const;
  });
}

export const KIND_WORDS: Record<PageKind, readonly (readonly [string, number])[]> = {
  runbook: kindWords(KIND_SOURCE.runbook),
  adr: kindWords(KIND_SOURCE.adr),
  postmortem: kindWords(KIND_SOURCE.postmortem),
  onboarding: kindWords(KIND_SOURCE.onboarding),
  'api-docs': kindWords(KIND_SOURCE['api-docs']),
  'meeting-notes': kindWords(KIND_SOURCE['meeting-notes']),
  rfc: kindWords(KIND_SOURCE.rfc),
  'how-to': kindWords(KIND_SOURCE['how-to']),
  'release-notes': kindWords(KIND_SOURCE['release-notes']),
  faq: kindWords(KIND_SOURCE.faq),
};

type TopicSource = { readonly [K in keyof Topic]: K extends 'commands' ? readonly string[] : string };

function list(items: string): string[] {
  return items === '' ? [] : items.split('; ');
}

const SOURCE: readonly TopicSource[] = [
  {
    label: 'kubernetes',
    name: 'Kubernetes',
    strong:
      'kubernetes; k8s; kubectl; helm; crashloopbackoff; eks; gke; kubelet; k9s; pod; pods; node pool; namespace; ingress',
    weak: 'hpa; daemonset; statefulset',
    things: 'pod autoscaling; the Helm chart layout; node pool upgrades; namespace quotas; ingress rules',
    decisions: 'Run batch workers on a dedicated node pool; Adopt Helm for every Kubernetes service',
    symptoms: 'pods stuck in CrashLoopBackOff; kubelet evicting pods under memory pressure',
    tools: 'kubectl; Helm; k9s',
    metrics: 'pod restarts; pending pods',
    commands: [
      'kubectl get pods -n checkout --field-selector=status.phase!=Running',
      'helm rollback checkout 42',
    ],
  },
  {
    label: 'postgres',
    name: 'Postgres',
    strong: 'postgres; postgresql; psql; pgbouncer; autovacuum; pg_stat_activity; read replica; wal',
    weak: 'vacuum; query plan; tablespace; sequential scan',
    things: 'Postgres connection pooling; the read replica setup; autovacuum tuning; PgBouncer limits',
    decisions: 'Put PgBouncer in front of every Postgres primary; Upgrade Postgres to version 16',
    symptoms: 'Postgres connection exhaustion; replication lag on the read replica',
    tools: 'psql; PgBouncer; pg_stat_activity',
    metrics: 'WAL generation rate; active Postgres connections',
    commands: [
      "psql -c 'select pid, state, query from pg_stat_activity'",
      'psql -c "vacuum (verbose) orders"',
    ],
  },
  {
    label: 'kafka',
    name: 'Kafka',
    strong:
      'kafka; consumer lag; consumer group; zookeeper; kraft; schema registry; cruise control; partition; partitions',
    weak: 'broker; brokers; offsets; rebalance',
    things: 'Kafka consumer lag alerts; partition rebalancing; Kafka broker disk usage; the schema registry',
    decisions: 'Adopt KRaft and retire ZooKeeper; Raise the default Kafka partition count to 12',
    symptoms: 'consumer lag on the orders topic; a Kafka broker running out of disk',
    tools: 'kafka-consumer-groups.sh; Cruise Control; the schema registry UI',
    metrics: 'consumer lag; under-replicated partitions',
    commands: ['kafka-consumer-groups.sh --bootstrap-server kafka:9092 --describe --group orders'],
  },
  {
    label: 'incident-response',
    name: 'Incident response',
    strong: 'incident commander; incident response; sev1; sev2; war room; status page; incident; incidents',
    weak: 'severity; comms lead; declare',
    things:
      'the incident commander role; incident severity levels; status page updates; the incident channel',
    decisions: 'Require an incident commander for every SEV2; Publish status page updates every 30 minutes',
    symptoms: 'a SEV1 declared without an incident commander; status page updates going stale',
    tools: 'the incident bot; the status page',
    metrics: 'time to declare an incident; incidents per week',
    commands: ['/incident declare --severity sev2 --title "checkout errors"'],
  },
  {
    label: 'on-call',
    name: 'On-call',
    strong: 'on call; pagerduty; opsgenie; pager; paging',
    weak: 'handoff; escalation policy; shadow shift; paged; rota',
    things: 'the on-call rotation; PagerDuty escalation policies; on-call handoff notes; paging thresholds',
    decisions: 'Move to a follow-the-sun on-call rotation; Page the on-call engineer only on symptoms',
    symptoms: 'too many pages overnight for the on-call engineer; a PagerDuty escalation that paged nobody',
    tools: 'PagerDuty; Opsgenie',
    metrics: 'pages per on-call shift; time to acknowledge a PagerDuty page',
    commands: ['pd schedule show --team platform-on-call'],
  },
  {
    label: 'ci-cd',
    name: 'CI/CD',
    strong:
      'ci cd; jenkins; github actions; buildkite; ci; continuous integration; deploy pipeline; artifact; artifacts',
    weak: 'build cache',
    things: 'the CI build cache; GitHub Actions runners; the deploy pipeline; build artifacts',
    decisions: 'Move CI from Jenkins to GitHub Actions; Cache build artifacts between CI runs',
    symptoms: 'CI builds queueing for forty minutes; a Jenkins agent failing every build',
    tools: 'GitHub Actions; Buildkite; Jenkins',
    metrics: 'CI build duration; CI queue time',
    commands: ['gh workflow run ci.yml --ref main'],
  },
  {
    label: 'observability',
    name: 'Observability',
    strong:
      'observability; prometheus; grafana; opentelemetry; jaeger; alertmanager; datadog; promtool; slo; error budget; spans; scrape',
    weak: 'tracing; traces; span; cardinality',
    things: 'Prometheus alert rules; OpenTelemetry tracing; Grafana dashboards; the SLO error budget',
    decisions: 'Adopt OpenTelemetry for all service tracing; Alert on SLO burn rate in Prometheus',
    symptoms: 'Prometheus running out of memory on high cardinality; traces missing spans',
    tools: 'Grafana; Prometheus; Jaeger',
    metrics: 'error budget burn rate; scrape duration',
    commands: ['promtool check rules alerts/*.yml'],
  },
  {
    label: 'authentication',
    name: 'Authentication',
    strong: 'authentication; oauth; oidc; sso; saml; jwt; okta; mfa; login; auth; token refresh',
    weak: 'logins; session token; refresh token; identity provider',
    things: 'SSO with Okta; JWT refresh tokens; the OAuth login flow; MFA enrolment',
    decisions: 'Use OIDC for all internal SSO; Shorten JWT lifetime to 15 minutes',
    symptoms: 'login failures after the Okta certificate rotation; expired JWT refresh tokens',
    tools: 'Okta; the auth service',
    metrics: 'login success rate; token refresh errors',
    commands: ['curl -s https://auth.internal/.well-known/openid-configuration'],
  },
  {
    label: 'billing',
    name: 'Billing',
    strong:
      'billing; invoice; invoices; stripe; chargeback; dunning; proration; payment; payments; refund; refunds',
    weak: 'subscription; subscriptions',
    things: 'invoice generation; Stripe webhooks; subscription proration; refund handling',
    decisions: 'Generate invoices asynchronously; Move dunning emails to Stripe',
    symptoms: 'duplicate invoices for annual subscriptions; failed payments not retried',
    tools: 'Stripe; the billing console',
    metrics: 'failed payment rate; invoices generated per hour',
    commands: ['stripe events resend evt_1Nq3 --webhook-endpoint we_billing'],
  },
  {
    label: 'search',
    name: 'Search',
    strong: 'elasticsearch; opensearch; search index; reindex; relevance; search; autocomplete; indexing',
    weak: 'analyzer; shards; synonyms',
    things: 'the product search index; search relevance tuning; Elasticsearch shard sizing; autocomplete',
    decisions: 'Move product search to OpenSearch; Reindex nightly instead of on every write',
    symptoms: 'search results missing new products; Elasticsearch cluster going red',
    tools: 'Elasticsearch; OpenSearch Dashboards',
    metrics: 'search latency p99; indexing rate',
    commands: ['curl -s localhost:9200/_cat/shards?v'],
  },
  {
    label: 'caching',
    name: 'Caching',
    strong: 'redis; memcached; caching; cache hit; cache invalidation; cache; stampede',
    weak: 'eviction; evictions; warm up; ttl',
    things: 'the Redis session cache; cache invalidation; cache TTLs; Memcached eviction',
    decisions: 'Move session store to Redis; Add request coalescing to prevent cache stampede',
    symptoms: 'cache hit ratio dropping to 40 percent; Redis memory full and evicting keys',
    tools: 'redis-cli; Memcached',
    metrics: 'cache hit ratio; Redis evictions per second',
    commands: ['redis-cli --latency -h cache.internal', 'redis-cli info stats'],
  },
  {
    label: 'networking',
    name: 'Networking',
    strong:
      'networking; dns; vpc; load balancer; subnet; bgp; cdn; network; nat gateway; packet loss; dig; mtr',
    weak: 'tcp; firewall; ip address; peering',
    things: 'internal DNS; VPC peering; the load balancer; NAT gateway capacity; CDN configuration',
    decisions: 'Split the shared VPC per environment; Terminate traffic at the CDN edge',
    symptoms: 'DNS resolution timeouts; packet loss between VPCs',
    tools: 'dig; mtr; the load balancer console',
    metrics: 'DNS query latency; network packet loss',
    commands: ['dig +short api.internal', 'mtr -rwc 50 10.2.0.14'],
  },
  {
    label: 'security',
    name: 'Security',
    strong: 'security; vulnerability; vulnerabilities; cve; pentest; threat model; xss; csrf; trivy; waf',
    weak: 'attacker; exploit; hardening; security review',
    things: 'the threat model; CVE patching; WAF rules; the security review checklist',
    decisions: 'Require a threat model for new public endpoints; Patch critical CVEs within 7 days',
    symptoms: 'a critical CVE in a base image; an XSS report from the bug bounty',
    tools: 'the vulnerability scanner; the WAF console',
    metrics: 'open critical vulnerabilities; time to patch a CVE',
    commands: ['trivy image registry.internal/checkout:latest --severity CRITICAL'],
  },
  {
    label: 'data-pipeline',
    name: 'Data pipeline',
    strong: 'airflow; etl; data pipeline; spark; dag; ingestion',
    weak: 'dags; batch job; upstream data; backfills; late data',
    things: 'the nightly ETL; Airflow DAGs; Spark job tuning; event ingestion',
    decisions: 'Move the nightly ETL to Airflow; Run Spark jobs on spot capacity',
    symptoms: 'the nightly ETL missing its SLA; an Airflow DAG stuck in queued',
    tools: 'Airflow; Spark UI',
    metrics: 'DAG run duration; ingestion delay',
    commands: ['airflow dags trigger nightly_etl --conf \'{"date": "2026-03-01"}\''],
  },
  {
    label: 'frontend',
    name: 'Frontend',
    strong: 'frontend; react; webpack; vite; css; design system; bundle size; storybook; largest contentful',
    weak: 'browser; component library; hydration; web app; lcp',
    things: 'the React component library; bundle size budgets; the design system; Vite build config',
    decisions: 'Replace webpack with Vite; Adopt the design system for all new React screens',
    symptoms: 'the bundle size doubling after an upgrade; React hydration errors in the browser',
    tools: 'Storybook; Vite; React DevTools',
    metrics: 'bundle size; largest contentful paint',
    commands: ['npx vite build --mode production'],
  },
  {
    label: 'mobile',
    name: 'Mobile',
    strong:
      'mobile; ios; android; testflight; app store; play store; crashlytics; gradlew; fastlane; xcode; crash free',
    weak: 'swift; kotlin; mobile app; app review',
    things: 'the iOS release checklist; Android build signing; TestFlight distribution; mobile crash reports',
    decisions: 'Ship the iOS and Android apps on the same day; Adopt Kotlin for all new Android code',
    symptoms: 'the iOS app crashing on launch; App Store review rejecting the build',
    tools: 'Xcode; Crashlytics; TestFlight',
    metrics: 'crash-free sessions; mobile app start time',
    commands: ['fastlane ios beta', './gradlew assembleRelease'],
  },
  {
    label: 'machine-learning',
    name: 'Machine learning',
    strong:
      'machine learning; ml; mlflow; pytorch; feature store; embeddings; inference; gpu; gpus; training',
    weak: 'model registry; retraining',
    things: 'the feature store; model training jobs; ML inference serving; the MLflow model registry',
    decisions: 'Serve ML inference on GPUs; Adopt a feature store for ranking models',
    symptoms: 'ML inference latency spiking; a training job running out of GPU memory',
    tools: 'MLflow; PyTorch',
    metrics: 'inference latency; GPU utilisation',
    commands: ['mlflow models serve -m models:/ranking/Production -p 5001'],
  },
  {
    label: 'cost-optimization',
    name: 'Cost optimization',
    strong:
      'finops; cloud cost; savings plan; reserved instances; spot instances; rightsizing; cost optimization; cost; costs; spend; cost explorer; cost centre',
    weak: 'spending; unit economics',
    things: 'cloud cost reports; savings plans; rightsizing; spot instances',
    decisions: 'Buy a three-year savings plan for steady compute; Tag every resource with a cost centre',
    symptoms: 'cloud cost up 30 percent month over month; idle instances driving up spend',
    tools: 'the FinOps dashboard; Cost Explorer',
    metrics: 'monthly cloud cost; cost per request',
    commands: ['aws ce get-cost-and-usage --granularity MONTHLY --metrics UnblendedCost'],
  },
  {
    label: 'api-gateway',
    name: 'API gateway',
    strong: 'api gateway; kong; apigee; rate limiting; rate limit; throttled; throttling; api keys',
    weak: 'route; routes; gateway',
    things: 'API gateway routes; rate limiting per client; API keys; the Kong plugins',
    decisions: 'Enforce rate limiting at the API gateway; Move API key checks into Kong',
    symptoms: 'the API gateway returning 502s; rate limits throttling a partner',
    tools: 'Kong; the gateway admin API',
    metrics: 'gateway 5xx rate; throttled requests',
    commands: ['curl -s localhost:8001/routes | jq .data[].name'],
  },
  {
    label: 'feature-flags',
    name: 'Feature flags',
    strong:
      'feature flag; feature flags; launchdarkly; kill switch; kill switches; flag; flags; percentage rollout',
    weak: 'toggle; toggles; targeting',
    things: 'feature flag hygiene; kill switches; LaunchDarkly targeting; percentage rollouts',
    decisions:
      'Remove feature flags within 30 days of full rollout; Wrap every risky launch in a kill switch',
    symptoms: 'a stale feature flag disabling checkout; flag targeting rules serving the wrong users',
    tools: 'LaunchDarkly; the flag service',
    metrics: 'stale flags; flag evaluations per second',
    commands: ['ldcli flags update --flag new-checkout --on=false'],
  },
  {
    label: 'database-migrations',
    name: 'Database migrations',
    strong:
      'migration; migrations; flyway; liquibase; schema change; alembic; ddl; gh ost; backfill; lock wait; expand contract',
    weak: 'expand contract; column; columns; online schema',
    things: 'schema migrations; the expand-contract pattern; Flyway scripts; backfill jobs',
    decisions: 'Run schema migrations outside the deploy; Require expand-contract for column renames',
    symptoms: 'a migration locking the orders table; a backfill saturating the primary',
    tools: 'Flyway; gh-ost',
    metrics: 'migration duration; lock wait time',
    commands: ['flyway -configFiles=flyway.conf migrate'],
  },
  {
    label: 'load-testing',
    name: 'Load testing',
    strong: 'load test; load tests; load testing; k6; locust; gatling; jmeter; soak test; throughput; rps',
    weak: 'stress test; virtual users; ramp up',
    things: 'load test scenarios; k6 scripts; soak tests; throughput targets',
    decisions: 'Load test every service before peak season; Use k6 for all load testing',
    symptoms: 'throughput collapsing at 2,000 requests per second; the soak test leaking memory',
    tools: 'k6; Locust; Gatling',
    metrics: 'throughput; peak RPS',
    commands: ['k6 run --vus 200 --duration 30m checkout.js'],
  },
  {
    label: 'disaster-recovery',
    name: 'Disaster recovery',
    strong: 'disaster recovery; failover; rpo; rto; backup; backups; dr',
    weak: 'restore; restores; game day; secondary region; snapshot',
    things: 'the disaster recovery plan; cross-region failover; backup restores; RPO and RTO targets',
    decisions: 'Test failover to the secondary region every quarter; Keep backups for 35 days',
    symptoms: 'a backup restore taking nine hours; failover leaving writes in the old region',
    tools: 'the backup service; the failover runbook',
    metrics: 'RPO; RTO; backup restore duration',
    commands: ['restore-backup --snapshot latest --target dr-test'],
  },
  {
    label: 'compliance',
    name: 'Compliance',
    strong:
      'compliance; soc2; soc 2; gdpr; hipaa; pci; iso 27001; vanta; audit; access review; data retention',
    weak: 'auditor; auditors; evidence',
    things:
      'SOC 2 evidence collection; GDPR data deletion; quarterly access reviews; the data retention policy',
    decisions: 'Automate SOC 2 evidence collection; Delete GDPR requests within 30 days',
    symptoms: 'missing evidence for the SOC 2 audit; a GDPR deletion request past its deadline',
    tools: 'the compliance tracker; Vanta',
    metrics: 'open audit findings; access reviews completed',
    commands: ['compliance-cli evidence export --control CC6.1'],
  },
  {
    label: 'terraform',
    name: 'Terraform',
    strong: 'terraform; tfstate; atlantis; hcl; terraform apply; drift; drifted',
    weak: 'terraform plan; state file; module; modules',
    things: 'Terraform state locking; Terraform modules; Atlantis plans; infrastructure drift',
    decisions: 'Split the Terraform state per environment; Apply Terraform only through Atlantis',
    symptoms: 'a locked Terraform state file; drift between Terraform and the console',
    tools: 'Atlantis; Terraform',
    metrics: 'drifted resources; Terraform plan duration',
    commands: ['terraform plan -out=tfplan', 'terraform force-unlock 6d1f'],
  },
  {
    label: 'service-mesh',
    name: 'Service mesh',
    strong: 'service mesh; istio; linkerd; envoy; sidecar; mtls; istioctl; kiali; traffic splitting',
    weak: 'sidecars; virtual service; traffic split; mesh; circuit breaker',
    things: 'Istio sidecar injection; mTLS between services; Envoy circuit breakers; traffic splitting',
    decisions: 'Adopt Istio for service-to-service mTLS; Replace client retries with Envoy retries',
    symptoms: 'Envoy sidecars failing to start; mTLS handshakes failing after a cert rotation',
    tools: 'istioctl; Kiali',
    metrics: 'sidecar memory; mTLS handshake errors',
    commands: ['istioctl proxy-status', 'istioctl analyze -n checkout'],
  },
  {
    label: 'message-queues',
    name: 'Message queues',
    strong:
      'rabbitmq; sqs; message queue; dead letter; amqp; dlq; rabbitmqctl; message queues; queue depth; redelivery; visibility timeout',
    weak: 'queue; queues',
    things: 'RabbitMQ queue depth; the SQS dead letter queue; message redelivery; visibility timeouts',
    decisions: 'Move email jobs from RabbitMQ to SQS; Send poison messages to a dead letter queue',
    symptoms: 'RabbitMQ queue depth growing without bound; messages stuck in the dead letter queue',
    tools: 'the RabbitMQ management UI; the SQS console',
    metrics: 'queue depth; dead letter rate',
    commands: ['rabbitmqctl list_queues name messages consumers'],
  },
  {
    label: 'release-management',
    name: 'Release management',
    strong:
      'release train; code freeze; release branch; release candidate; hotfix; changelog; release management; release branches; canary; hotfixes',
    weak: 'cherry pick; semver; release trains',
    things: 'the release train; hotfix procedure; release branches; canary releases',
    decisions: 'Move to a weekly release train; Require a canary for every release candidate',
    symptoms: 'a hotfix skipping the release branch; a canary promoted despite errors',
    tools: 'the release train dashboard; the changelog bot',
    metrics: 'hotfixes per month; release train lead time',
    commands: ['git cherry-pick -x 3f2a9c1 && git push origin release/2026.14'],
  },
  {
    label: 'secrets-management',
    name: 'Secrets management',
    strong: 'vault; secrets; secret rotation; kms; secrets manager; sealed secrets',
    weak: 'secret; credentials; rotate; encryption key; envelope encryption',
    things: 'Vault policies; secret rotation; KMS keys; database credentials in Vault',
    decisions: 'Store all service secrets in Vault; Rotate database secrets every 24 hours',
    symptoms: 'an expired Vault token breaking deploys; secrets committed to a repository',
    tools: 'Vault; AWS KMS',
    metrics: 'secrets older than 90 days; Vault token renewals',
    commands: ['vault kv get secret/checkout/db', 'vault token renew'],
  },
  {
    label: 'notifications',
    name: 'Notifications',
    strong:
      'notifications; push notification; push notifications; sendgrid; twilio; sms; email; emails; notification',
    weak: 'digest; unsubscribe; notify',
    things: 'email delivery; push notifications; SMS sending; notification preferences',
    decisions: 'Send all email through SendGrid; Batch notifications into a daily digest',
    symptoms: 'emails landing in spam; duplicate push notifications',
    tools: 'SendGrid; Twilio',
    metrics: 'email bounce rate; notifications sent per minute',
    commands: ['notify-cli send --template welcome --to test@example.com'],
  },
  {
    label: 'data-warehouse',
    name: 'Data warehouse',
    strong: 'data warehouse; snowflake; bigquery; redshift; dbt; looker; warehouse; fact table',
    weak: 'dimension table; analysts; credits',
    things: 'dbt models; the Snowflake warehouse; Looker dashboards; fact tables',
    decisions: 'Move analytics from Redshift to Snowflake; Model every metric in dbt',
    symptoms: 'a dbt model failing the nightly run; Snowflake credits burning overnight',
    tools: 'dbt; Looker; Snowflake',
    metrics: 'warehouse credits; dbt run duration',
    commands: ['dbt run --select marts.finance'],
  },
  {
    label: 'object-storage',
    name: 'Object storage',
    strong:
      's3; object storage; gcs; presigned url; minio; lifecycle policy; lifecycle policies; bucket; buckets; multipart upload',
    weak: 'blob; blobs',
    things: 'S3 bucket policies; lifecycle policies; presigned URLs; multipart uploads',
    decisions: 'Block public access on every S3 bucket; Move cold S3 objects to the archive tier',
    symptoms: 'an S3 bucket made public by mistake; multipart uploads left incomplete',
    tools: 'the S3 console; MinIO',
    metrics: 'bucket size; S3 request errors',
    commands: ['aws s3api get-bucket-policy --bucket uploads-prod'],
  },
  {
    label: 'accessibility',
    name: 'Accessibility',
    strong:
      'accessibility; a11y; wcag; screen reader; aria; keyboard navigation; voiceover; nvda; axe; contrast; keyboard focus',
    weak: 'alt text; focus order; assistive',
    things: 'WCAG 2.2 conformance; screen reader support; keyboard navigation; colour contrast',
    decisions: 'Target WCAG 2.2 AA for every new screen; Run a11y checks in every pull request',
    symptoms: 'a modal that traps keyboard focus; buttons without ARIA labels',
    tools: 'axe; VoiceOver; NVDA',
    metrics: 'a11y violations; WCAG issues open',
    commands: ['npx axe http://localhost:3000 --tags wcag2aa'],
  },
  {
    label: 'test-automation',
    name: 'Test automation',
    strong:
      'flaky test; flaky tests; playwright; cypress; e2e; test suite; unit tests; test automation; coverage; test data; fixtures',
    weak: 'flaky; integration tests',
    things: 'flaky tests; the Playwright e2e suite; test coverage; test data fixtures',
    decisions: 'Quarantine flaky tests automatically; Replace Cypress with Playwright',
    symptoms: 'the e2e suite failing one run in five; coverage dropping below the gate',
    tools: 'Playwright; Cypress',
    metrics: 'flaky test rate; test suite duration',
    commands: ['npx playwright test --retries=0 --repeat-each=20'],
  },
];

export const TOPICS: readonly Topic[] = SOURCE.map((t) => ({
  label: t.label,
  name: t.name,
  strong: list(t.strong),
  weak: list(t.weak),
  things: list(t.things),
  decisions: list(t.decisions),
  symptoms: list(t.symptoms),
  tools: list(t.tools),
  metrics: list(t.metrics),
  commands: t.commands,
}));

export function topicByLabel(label: string): Topic | undefined {
  return TOPICS.find((t) => t.label === label);
}

// A single-node Apache Kafka (KRaft) on loopback, for tests and for users without Docker.
// The jars come from Maven Central through `mvn` and are cached under
// ${XDG_CACHE_HOME:-$HOME/.cache}/tagspace/kafka, so every clone on the machine shares them. The
// broker's state (config, data, log, pid) lives beside them, one directory per port; the data dir
// survives stop/start, which is what lets a test stop the broker mid-run and bring it back.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  cacheRoot,
  logTail,
  pidAlive,
  runningPid,
  seconds,
  spawnDetached,
  stopPid,
  waitUntil,
} from './background-process.mjs';
import {
  ensureCertificate,
  ensureMskIamValidator,
  ensureTokenKey,
  scramUsers,
  securedProperties,
} from './kafka-secured-listener.mjs';

// 3.9.x: the last line kafkajs works against (it is not tested upstream against 4.x).
export const KAFKA_VERSION = process.env.TAGSPACE_KAFKA_VERSION || '3.9.2';
const SLF4J_VERSION = '1.7.36'; // the slf4j-api Kafka 3.9 is built against
const RELOAD4J_VERSION = '1.2.25';
const DEPENDENCY_PLUGIN_VERSION = '3.8.1';
export const DEFAULT_PORT = 19092;
const HOST = '127.0.0.1';

/** The broker port: the explicit one, else KAFKA_PORT, else 19092. The controller takes port + 1. */
export function brokerPort(explicit) {
  const raw = explicit ?? process.env.KAFKA_PORT ?? DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65534) throw new Error(`invalid Kafka port: ${raw}`);
  return port;
}

/** Where the cache keeps Kafka: the jars per version, and one state directory per broker or cluster. */
export function kafkaRoot() {
  return path.join(cacheRoot(), 'kafka');
}

/** The files of one Kafka node (config, data, log, pid) inside its state directory. */
export function nodePaths(state) {
  return {
    versionDir: path.join(kafkaRoot(), KAFKA_VERSION),
    libs: path.join(kafkaRoot(), KAFKA_VERSION, 'libs'),
    state,
    data: path.join(state, 'data'),
    properties: path.join(state, 'server.properties'),
    log4j: path.join(state, 'log4j.properties'),
    clusterIdFile: path.join(state, 'cluster-id'),
    pidFile: path.join(state, 'broker.pid'),
    logFile: path.join(state, 'broker.log'),
    lockFile: path.join(state, 'lock'),
  };
}

export function brokerPaths(port = brokerPort()) {
  return nodePaths(path.join(kafkaRoot(), `broker-${port}`));
}

export function bootstrapFor(port = brokerPort()) {
  return `${HOST}:${port}`;
}

function pomXml() {
  const dep = (g, a, v) =>
    `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>tagspace.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
${dep('org.apache.kafka', 'kafka_2.13', KAFKA_VERSION)}
${dep('org.slf4j', 'slf4j-reload4j', SLF4J_VERSION)}
${dep('ch.qos.reload4j', 'reload4j', RELOAD4J_VERSION)}
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>${DEPENDENCY_PLUGIN_VERSION}</version>
      </plugin>
    </plugins>
  </build>
</project>
`;
}

/** Resolves the Kafka jars into the cache unless they are already there; returns the libs dir. */
export function ensureKafkaJars({ log = console.log } = {}) {
  const paths = brokerPaths();
  const stamp = path.join(paths.libs, '.complete');
  if (fs.existsSync(stamp)) return paths.libs;
  const began = Date.now();
  log(`kafka: resolving org.apache.kafka:kafka_2.13:${KAFKA_VERSION} from Maven Central`);
  fs.mkdirSync(paths.versionDir, { recursive: true });
  const pom = path.join(paths.versionDir, 'pom.xml');
  fs.writeFileSync(pom, pomXml());
  const staging = path.join(paths.versionDir, `libs.tmp-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  const res = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      pom,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${staging}`,
      '-DincludeScope=runtime',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  if (res.error || res.status !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    const detail =
      res.error?.message ?? `${res.stdout}\n${res.stderr}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`mvn could not resolve the Kafka jars:\n${detail}`);
  }
  fs.writeFileSync(path.join(staging, '.complete'), `${new Date().toISOString()}\n`);
  fs.rmSync(paths.libs, { recursive: true, force: true });
  fs.renameSync(staging, paths.libs);
  const count = fs.readdirSync(paths.libs).filter((f) => f.endsWith('.jar')).length;
  log(`kafka: ${count} jars cached in ${paths.libs} (${seconds(Date.now() - began)})`);
  return paths.libs;
}

/**
 * `initialRebalanceDelayMs`: how long a new group's first rebalance waits for more members. 0 for
 * tests (a group forms at once); Kafka's own default, 3000, for runs that must behave like a
 * production broker (bench/quota's instances section: members started together join as one).
 */
function serverProperties(port, paths, initialRebalanceDelayMs = 0, secured = false) {
  const controllerPort = port + 1;
  const extra = secured ? securedProperties(port, paths.state, HOST) : undefined;
  const listeners = [`PLAINTEXT://${HOST}:${port}`, ...(extra ? [extra.listener] : [])].join(',');
  return `# Written by scripts/kafka-broker.mjs: one KRaft node on loopback for tests and local use.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${controllerPort}
listeners=${listeners},CONTROLLER://${HOST}:${controllerPort}
advertised.listeners=${listeners}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${extra ? `,${extra.protocol}` : ''}
${extra?.lines ?? ''}log.dirs=${paths.data}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=${initialRebalanceDelayMs}
group.min.session.timeout.ms=1000
auto.create.topics.enable=true
delete.topic.enable=true
log.cleaner.enable=true
log.cleaner.backoff.ms=1000
log.retention.hours=24
num.network.threads=2
num.io.threads=4
`;
}

export const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
`;

export function java() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

// A Kafka cluster id is 16 random bytes in unpadded base64url; one starting with '-' would read
// as a command-line flag, so draw again.
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** The cluster id kept in `file`, made (and kept) on first use: every node of a cluster formats with it. */
export function clusterIdIn(file) {
  let clusterId = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (!clusterId) {
    clusterId = newClusterId();
    fs.writeFileSync(file, `${clusterId}\n`);
  }
  return clusterId;
}

/** Formats a node's log dir for KRaft unless it already is; `extraArgs` go to the StorageTool. */
export function formatStorage(paths, libs, extraArgs = []) {
  if (fs.existsSync(path.join(paths.data, 'meta.properties'))) return;
  const clusterId = clusterIdIn(paths.clusterIdFile);
  const res = spawnSync(
    java(),
    [
      `-Dlog4j.configuration=file:${paths.log4j}`,
      '-cp',
      path.join(libs, '*'),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      paths.properties,
      '--ignore-formatted',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  if (res.error || res.status !== 0) {
    throw new Error(
      `kafka StorageTool format failed:\n${res.error?.message ?? `${res.stdout}${res.stderr}`}`,
    );
  }
}

/**
 * Starts the JVM of one node (broker, controller or both, as its server.properties says) in the
 * background, its output in the node's log (the previous one kept as .1); returns the child.
 * `classDirs` go on the classpath after Kafka's jars (a secured broker's MSK IAM validator).
 */
export function launchNode(paths, libs, heap, classDirs = []) {
  if (fs.existsSync(paths.logFile)) fs.renameSync(paths.logFile, `${paths.logFile}.1`);
  // C1 only (TieredStopAtLevel=1): on two cores the broker starts in about half the time, and a
  // test broker's start-up (and restarts mid-test) matter more than its peak throughput.
  return spawnDetached(
    java(),
    [
      `-Xmx${heap}`,
      `-Xms${heap}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${paths.log4j}`,
      `-Dkafka.logs.dir=${path.join(paths.state, 'logs')}`,
      '-cp',
      [path.join(libs, '*'), ...classDirs].join(path.delimiter),
      'kafka.Kafka',
      paths.properties,
    ],
    { cwd: paths.state, env: process.env, logFile: paths.logFile, pidFile: paths.pidFile },
  );
}

/** True when a broker on the port answers a metadata request. */
export async function isBrokerUp({ port = brokerPort(), timeoutMs = 2000 } = {}) {
  const { default: kafkajs } = await import('kafkajs');
  const kafka = new kafkajs.Kafka({
    clientId: 'tagspace-broker-probe',
    brokers: [bootstrapFor(port)],
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The pid of the broker this cache runs on the port, if it is running. */
export function brokerPid(port = brokerPort()) {
  const paths = brokerPaths(port);
  return runningPid(paths.pidFile, paths.properties);
}

// Two test runs on one machine may both try to start the broker: only one may spawn it.
export async function withLock(paths, timeoutMs, fn) {
  fs.mkdirSync(paths.state, { recursive: true });
  await waitUntil(
    () => {
      try {
        fs.writeFileSync(paths.lockFile, `${process.pid}\n`, { flag: 'wx' });
        return true;
      } catch (err) {
        if (err.code !== 'EEXIST') throw err;
        const holder = Number.parseInt(fs.readFileSync(paths.lockFile, 'utf8'), 10);
        if (!pidAlive(holder)) fs.rmSync(paths.lockFile, { force: true });
        return false;
      }
    },
    { timeoutMs, intervalMs: 200, what: `the broker lock ${paths.lockFile}` },
  );
  try {
    return await fn();
  } finally {
    fs.rmSync(paths.lockFile, { force: true });
  }
}

/**
 * Starts the broker in the background unless it already runs, and waits until it answers.
 * `started` says whether this call started it (callers stop only what they started); `fresh`
 * wipes the data dir of a stopped broker first; `secured` adds a SASL_SSL listener two ports up
 * and an MSK IAM one three up (kafka-secured-listener.mjs).
 */
export async function startBroker({
  port = brokerPort(),
  fresh = false,
  heap = '512m',
  timeoutMs = 120_000,
  log = console.log,
  initialRebalanceDelayMs = 0,
  secured = false,
} = {}) {
  const began = Date.now();
  const paths = brokerPaths(port);
  const bootstrap = bootstrapFor(port);
  const libs = ensureKafkaJars({ log });
  return withLock(paths, timeoutMs, async () => {
    const existing = brokerPid(port);
    if (existing !== undefined) {
      await waitUntil(() => isBrokerUp({ port }), { timeoutMs, what: `the running broker at ${bootstrap}` });
      log(`kafka: already running at ${bootstrap} (pid ${existing})`);
      return { bootstrap, pid: existing, started: false, elapsedMs: Date.now() - began };
    }
    if (await isBrokerUp({ port })) {
      log(`kafka: a broker this cache did not start already answers at ${bootstrap}; using it`);
      return { bootstrap, pid: undefined, started: false, elapsedMs: Date.now() - began };
    }
    if (fresh) {
      fs.rmSync(paths.data, { recursive: true, force: true });
      fs.rmSync(paths.clusterIdFile, { force: true });
    }
    fs.mkdirSync(paths.data, { recursive: true });
    const classDirs = [];
    if (secured) {
      ensureCertificate(paths.state);
      ensureTokenKey(paths.state);
      classDirs.push(ensureMskIamValidator(paths.state, libs));
    }
    fs.writeFileSync(paths.properties, serverProperties(port, paths, initialRebalanceDelayMs, secured));
    fs.writeFileSync(startOptionsFile(paths), JSON.stringify({ heap, initialRebalanceDelayMs, secured }));
    fs.writeFileSync(paths.log4j, LOG4J);
    formatStorage(paths, libs, secured ? scramUsers() : []);
    const child = launchNode(paths, libs, heap, classDirs);
    let exited = null;
    child.on('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
    try {
      await waitUntil(
        async () => {
          if (exited) throw new Error(`the broker exited during start (${exited})`);
          return isBrokerUp({ port });
        },
        { timeoutMs, intervalMs: 300, what: `the broker at ${bootstrap}` },
      );
    } catch (err) {
      await stopPid(child.pid, { timeoutMs: 10_000 });
      fs.rmSync(paths.pidFile, { force: true });
      throw new Error(
        `kafka: start failed: ${err.message}\n--- ${paths.logFile} (tail) ---\n${logTail(paths.logFile)}`,
      );
    }
    const elapsedMs = Date.now() - began;
    log(`kafka: up at ${bootstrap} (pid ${child.pid}, Kafka ${KAFKA_VERSION}) in ${seconds(elapsedMs)}`);
    return { bootstrap, pid: child.pid, started: true, elapsedMs };
  });
}

/** Stops the broker this cache runs on the port (SIGTERM, then SIGKILL past the deadline). */
export async function stopBroker({ port = brokerPort(), timeoutMs = 30_000, log = console.log } = {}) {
  const paths = brokerPaths(port);
  const pid = brokerPid(port);
  if (pid === undefined) {
    log(`kafka: no broker from this cache runs at ${bootstrapFor(port)}`);
    return false;
  }
  const began = Date.now();
  const how = await stopPid(pid, { timeoutMs });
  fs.rmSync(paths.pidFile, { force: true });
  log(`kafka: stopped ${bootstrapFor(port)} (pid ${pid}, ${how}) in ${seconds(Date.now() - began)}`);
  return true;
}

/**
 * Stops and starts the broker, keeping its data (topics, offsets and messages survive) and the
 * options it was started with (heap, rebalance delay, the secured listener).
 */
export async function restartBroker({ port = brokerPort(), timeoutMs = 120_000, log = console.log } = {}) {
  const started = startedWith(brokerPaths(port));
  await stopBroker({ port, log });
  return startBroker({ ...started, port, timeoutMs, log });
}

/** The options a broker was last started with (startBroker records them beside its properties). */
function startedWith(paths) {
  try {
    return JSON.parse(fs.readFileSync(startOptionsFile(paths), 'utf8'));
  } catch {
    return {};
  }
}

function startOptionsFile(paths) {
  return path.join(paths.state, 'start-options.json');
}

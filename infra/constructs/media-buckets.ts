import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface MediaBucketsProps {
  /** Origins allowed to PUT/GET with presigned URLs from a browser (the site's domain). */
  allowedOrigins: string[];
  /** Keep the originals bucket when the stack is deleted (the default: they are your photos). */
  retainOriginals?: boolean;
}

/**
 * Originals (sacred: versioned, retained) and derived files (rebuildable, cheaper rules),
 * both private, encrypted and TLS-only. Browsers upload straight into originals with
 * presigned URLs, so it allows CORS PUT and exposes the ETag multipart needs.
 */
export class MediaBuckets extends Construct {
  readonly originals: s3.Bucket;
  readonly derived: s3.Bucket;

  constructor(scope: Construct, id: string, props: MediaBucketsProps) {
    super(scope, id);
    const common = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    };
    this.originals = new s3.Bucket(this, 'Originals', {
      ...common,
      versioned: true,
      removalPolicy: props.retainOriginals === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: props.retainOriginals === false,
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedOrigins: props.allowedOrigins,
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
      lifecycleRules: [
        // Parts of uploads nobody completed cost money and are never seen: drop them.
        { abortIncompleteMultipartUploadAfter: Duration.days(2) },
        // Staged Immich-style uploads are moved within seconds; anything left is debris.
        { prefix: 'staging/', expiration: Duration.days(2) },
        // Overwritten or deleted versions are kept a while for mistakes, then go.
        { noncurrentVersionExpiration: Duration.days(30) },
      ],
    });
    this.derived = new s3.Bucket(this, 'Derived', {
      ...common,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
      cors: [{ allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD], allowedOrigins: props.allowedOrigins, maxAge: 3600 }],
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(2) }],
    });
  }
}

"""The deployment template: valid CloudFormation (cfn-lint, offline; SAM's own translator
is not installed, as it pins a pydantic older than the app's), its table the very one
`instaclone db create-table` makes, and each function's own role allowing exactly the
actions it needs on this table, stream and bucket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfnlint.api import ManualArgs, lint_all, lint_file
from cfnlint.decode import decode_str

from instaclone.data import Table
from instaclone.domain import SCHEMA
from instaclone.settings import DEFAULT_TTL_ATTRIBUTE

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "template.yaml"


def template() -> dict[str, Any]:
    decoded, problems = decode_str(TEMPLATE.read_text())
    assert not problems
    return dict(decoded)


def test_cfn_lint_finds_nothing() -> None:
    found = lint_file(TEMPLATE, config=ManualArgs(regions=["us-east-1", "eu-west-1"]))
    assert [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in found] == []


def test_cfn_lint_would_say_so() -> None:
    """(the check above can fail: a table without keys is an error)"""
    broken = TEMPLATE.read_text().replace(
        "      KeySchema:\n        - AttributeName: PK",
        "      KeySchemaX:\n        - AttributeName: PK",
        1,
    )
    assert lint_all(broken)


def test_the_table_is_the_one_create_table_makes() -> None:
    made = Table(None, "any", SCHEMA).create_table_request()  # type: ignore[arg-type]
    resources = template()["Resources"]
    table = resources["Table"]["Properties"]
    assert table["KeySchema"] == made["KeySchema"]
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(
        made["AttributeDefinitions"], key=str
    )
    assert table["GlobalSecondaryIndexes"] == made["GlobalSecondaryIndexes"]
    assert table["BillingMode"] == made["BillingMode"]
    assert (
        table["StreamSpecification"]["StreamViewType"]
        == (made["StreamSpecification"]["StreamViewType"])
    )
    ttl = table["TimeToLiveSpecification"]
    assert ttl["Enabled"] is True and ttl["AttributeName"] == {"Ref": "TtlAttribute"}
    assert template()["Parameters"]["TtlAttribute"]["Default"] == DEFAULT_TTL_ATTRIBUTE
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionProtectionEnabled"] is True
    assert resources["Table"]["DeletionPolicy"] == "Retain"


def statements(function: str) -> list[dict[str, Any]]:
    """The statements of the function's own role. A function with ``Policies`` would get
    AWS's managed execution roles from SAM too (streams: every stream in the account)."""
    resources = template()["Resources"]
    properties = resources[function]["Properties"]
    assert "Policies" not in properties
    role = properties["Role"]["Fn::GetAtt"][0]
    policies = resources[role]["Properties"]["Policies"]
    assert "ManagedPolicyArns" not in resources[role]["Properties"]
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def test_each_function_may_do_only_what_it_does() -> None:
    table_actions = {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
    }
    api = {s["Sid"]: s for s in statements("ApiFunction")}
    pipeline = {s["Sid"]: s for s in statements("PipelineFunction")}
    for grants in (api, pipeline):
        assert all(s["Effect"] == "Allow" and "*" not in str(s["Action"]) for s in grants.values())
        assert set(grants["TheTable"]["Action"]) == table_actions  # no Scan, no table admin
        assert grants["TheTable"]["Resource"] == [
            {"Fn::GetAtt": ["Table", "Arn"]},
            {"Fn::Sub": "${Table.Arn}/index/*"},
        ]
    assert set(api) == {"TheTable", "MediaFiles", "TheSecret", "Logs"}
    assert api["MediaFiles"]["Action"] == ["s3:PutObject", "s3:DeleteObject"]
    assert api["MediaFiles"]["Resource"] == {"Fn::Sub": "${MediaBucket.Arn}/*"}
    assert api["TheSecret"]["Action"] == ["secretsmanager:GetSecretValue"]
    assert api["TheSecret"]["Resource"] == {"Ref": "AppSecret"}
    assert set(pipeline) == {"TheTable", "TheStream", "FailedBatches", "Logs"}  # no S3
    for grants in (api, pipeline):
        assert grants["Logs"]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    # the secret goes to the API only (the pipeline signs nothing), and by name: its value
    # is read at start, never written into the function's configuration
    resources = template()["Resources"]
    api_environment = resources["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert api_environment["INSTACLONE_SECRET_ARN"] == {"Ref": "AppSecret"}
    assert "INSTACLONE_SECRET" not in api_environment
    assert "resolve:secretsmanager" not in str(template())
    assert "INSTACLONE_SECRET" not in str(resources["PipelineFunction"]["Properties"])
    assert "INSTACLONE_SECRET" not in str(template()["Globals"])
    assert pipeline["TheStream"]["Resource"] == {"Fn::GetAtt": ["Table", "StreamArn"]}


def test_the_stream_mapping_and_the_bucket_are_set_for_failure_and_privacy() -> None:
    resources = template()["Resources"]
    mapping = resources["PipelineFunction"]["Properties"]["Events"]["TableStream"]["Properties"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["DestinationConfig"]["OnFailure"]["Type"] == "SQS"
    assert mapping["MaximumRecordAgeInSeconds"] == {"Ref": "PipelineMaxRecordAgeSeconds"}
    bucket = resources["MediaBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    rule = bucket["LifecycleConfiguration"]["Rules"][0]
    assert rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 1
    handlers = {resources[f]["Properties"]["Handler"] for f in ("ApiFunction", "PipelineFunction")}
    assert handlers == {"instaclone.api.aws_lambda.handler", "instaclone.events.aws_lambda.handler"}

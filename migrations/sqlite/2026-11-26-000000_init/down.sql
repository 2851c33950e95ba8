DROP TABLE api_tokens;
DROP TABLE features;
DROP TABLE layer_versions;
DROP TABLE layers;

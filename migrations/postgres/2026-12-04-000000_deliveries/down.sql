DROP INDEX alerts_updated;
DROP TABLE delivery_attempts;
DROP TABLE deliveries;
DROP TABLE subscribers;

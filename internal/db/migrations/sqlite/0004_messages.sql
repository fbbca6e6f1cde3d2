-- Messages coordinators send to a segment of volunteers. The filter that
-- chose the segment is kept as JSON and the counts are those of the send, so
-- the list of sent messages says who was aimed at and how many were reached
-- even after volunteers change their profiles or consents. The author may
-- leave: the message stays in its recipients' inboxes.
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    filter TEXT NOT NULL,
    recipients INTEGER NOT NULL,
    emails INTEGER NOT NULL,
    sms INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_created ON messages (created_at);

-- Each recipient's copy in their in-app inbox, read or not.
CREATE TABLE message_recipients (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    read_at TIMESTAMP,
    PRIMARY KEY (message_id, user_id)
);
-- A volunteer's inbox, newest first, without scanning other inboxes.
CREATE INDEX message_recipients_user ON message_recipients (user_id, message_id);

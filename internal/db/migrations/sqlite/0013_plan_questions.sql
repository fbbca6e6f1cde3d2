-- Questions on the Climate Plan's actions (issue 8). A question is public once asked; moderators can hide it
-- (hidden_at, with the reason and who hid it). answered_at is the time of its first official answer.
-- author_id goes NULL when the account is deleted: the question stays, shown as a former member's.
CREATE TABLE plan_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id INTEGER NOT NULL REFERENCES plan_actions (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    answered_at TIMESTAMP,
    hidden_at TIMESTAMP,
    hidden_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    hidden_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_questions_action ON plan_questions (action_id, created_at);
CREATE INDEX plan_questions_recent ON plan_questions (hidden_at, created_at);

-- An answer from City staff is official, signed by a responsible department. Editing an official answer
-- writes a new row that supersedes the old one (supersedes_id; the old row gets superseded_at), so every
-- version stays readable.
CREATE TABLE plan_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id INTEGER NOT NULL REFERENCES plan_questions (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    department TEXT NOT NULL DEFAULT '',
    official INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    supersedes_id INTEGER REFERENCES plan_answers (id) ON DELETE SET NULL,
    superseded_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_answers_question ON plan_answers (question_id, created_at);
-- A department has one current answer to a question (it edits it rather than answering again).
CREATE UNIQUE INDEX plan_answers_current ON plan_answers (question_id, department) WHERE superseded_at IS NULL;

CREATE TABLE plan_question_followers (
    question_id INTEGER NOT NULL REFERENCES plan_questions (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE INDEX plan_question_followers_user ON plan_question_followers (user_id);

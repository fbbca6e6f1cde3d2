-- Questions on the Climate Plan's actions (issue 8). A question is public once asked; moderators can hide it.
-- An answer from the responsible department is marked official.
CREATE TABLE plan_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id INTEGER NOT NULL REFERENCES plan_actions (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    answered_at TIMESTAMP,
    hidden_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_questions_action ON plan_questions (action_id, created_at);
CREATE INDEX plan_questions_recent ON plan_questions (hidden_at, created_at);

CREATE TABLE plan_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id INTEGER NOT NULL REFERENCES plan_questions (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    department TEXT NOT NULL DEFAULT '',
    official INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_answers_question ON plan_answers (question_id, created_at);

CREATE TABLE plan_question_followers (
    question_id INTEGER NOT NULL REFERENCES plan_questions (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE INDEX plan_question_followers_user ON plan_question_followers (user_id);
